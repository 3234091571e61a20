/**
 * @module
 * App container housekeeping: list, rename, remove, health log. Kamal's `Commands::App::Containers`.
 */
import { containerIdFor } from "../base.js";
import { type Command, docker, pipe, xargs } from "../command.js";
import { type AppTarget, containerFilterArgs, containerName } from "./target.js";

/** The docker inspect format giving a container's health log. */
export const DOCKER_HEALTH_LOG_FORMAT = "'{{json .State.Health}}'";

/** `docker container ls --all <filters>` */
export function listContainers(target: AppTarget): Command {
  return docker("container", "ls", "--all", ...containerFilterArgs(target));
}

/** `docker container ls --all <filters> --format '{{ .Names }}'` */
export function listContainerNames(target: AppTarget): Command {
  return [...listContainers(target), "--format", "'{{ .Names }}'"];
}

/** Removes the container of a version. */
export function removeContainer(target: AppTarget, options: { version: string }): Command {
  return pipe(
    containerIdFor({ containerName: containerName(target, options.version) }),
    xargs(docker("container", "rm")),
  );
}

/** `docker rename <name-version> <name-new_version>` */
export function renameContainer(target: AppTarget, options: { version: string; newVersion: string }): Command {
  return docker("rename", containerName(target, options.version), containerName(target, options.newVersion));
}

/** `docker container prune --force <filters>` */
export function removeContainers(target: AppTarget): Command {
  return docker("container", "prune", "--force", ...containerFilterArgs(target));
}

/** The health log of a version's container. */
export function containerHealthLog(target: AppTarget, options: { version: string }): Command {
  return pipe(
    containerIdFor({ containerName: containerName(target, options.version) }),
    xargs(docker("inspect", "--format", DOCKER_HEALTH_LOG_FORMAT)),
  );
}
