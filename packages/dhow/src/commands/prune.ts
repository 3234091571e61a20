/**
 * @module
 * Removing old app images and stopped containers. Kamal's `Commands::Prune`.
 */
import type { Config } from "../config/config.js";
import { type Command, docker, pipe } from "./command.js";

/** `docker image prune --force --filter label=service=<svc>`: dangling images of the service. */
export function danglingImages(config: Config): Command {
  return docker("image", "prune", "--force", "--filter", `label=service=${config.service}`);
}

/** Removes tagged images no container uses, keeping the latest tag. */
export function taggedImages(config: Config): Command {
  return pipe(
    docker("image", "ls", ...serviceFilter(config), "--format", "'{{.ID}} {{.Repository}}:{{.Tag}}'"),
    ["grep", `-v -w "${activeImageList(config)}"`],
    "while read image tag; do docker rmi $tag; done",
  );
}

/** Removes stopped app containers beyond the newest `retain`. */
export function appContainers(config: Config, options: { retain: number }): Command {
  return pipe(
    docker("ps", "-q", "-a", ...serviceFilter(config), ...stoppedContainersFilters()),
    `tail -n +${options.retain + 1}`,
    "while read container_id; do docker rm $container_id; done",
  );
}

function stoppedContainersFilters(): string[] {
  return ["created", "exited", "dead"].flatMap((status) => ["--filter", `status=${status}`]);
}

/** Images used by any container, the latest tag, and `<repository>:<none>` (dangling ones in use). */
function activeImageList(config: Config): string {
  return `$(docker container ls -a --format '{{.Image}}\\|' --filter label=service=${config.service} | tr -d '\\n')${config.latestImage}\\|${config.repository}:<none>`;
}

function serviceFilter(config: Config): string[] {
  return ["--filter", `label=service=${config.service}`];
}
