/**
 * @module
 * Host directories Kamal keeps state in. Kamal's `Commands::Server`.
 */
import type { Config } from "../config/config.js";
import { makeDirectory, removeDirectory } from "./base.js";
import { type Command, pipe } from "./command.js";

/** `mkdir -p .kamal` */
export function ensureRunDirectory(config: Config): Command {
  return makeDirectory(config.runDirectory);
}

/** `mkdir -p .kamal/apps/<svc[-dest]>` */
export function ensureAppDirectory(config: Config): Command {
  return makeDirectory(config.appDirectory);
}

/** `rm -r .kamal/apps/<svc[-dest]>` */
export function removeAppDirectory(config: Config): Command {
  return removeDirectory(config.appDirectory);
}

/** `ls .kamal/apps | wc -l`: how many apps are deployed on the host. */
export function appDirectoryCount(config: Config): Command {
  return pipe(["ls", config.appsDirectory], ["wc", "-l"]);
}
