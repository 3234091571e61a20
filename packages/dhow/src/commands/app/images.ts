/**
 * @module
 * App image commands. Kamal's `Commands::App::Images`.
 */
import { type Command, docker } from "../command.js";
import { type AppTarget, imageFilterArgs } from "./target.js";

/** `docker image ls <repository>` */
export function listImages(target: AppTarget): Command {
  return docker("image", "ls", target.config.repository);
}

/** `docker image prune --all --force --filter label=service=<service>` */
export function removeImages(target: AppTarget): Command {
  return docker("image", "prune", "--all", "--force", ...imageFilterArgs(target));
}

/** `docker tag <absolute image> <latest image>` */
export function tagLatestImage(target: AppTarget): Command {
  return docker("tag", target.config.absoluteImage, target.config.latestImage);
}
