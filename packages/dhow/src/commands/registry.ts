/**
 * @module
 * Registry login/logout, and the local registry container. Kamal's `Commands::Registry`.
 */
import type { Config, RegistryConfig } from "../config/config.js";
import { Sensitive } from "../sensitive.js";
import { any, combine, type Command, docker, escapeShellValue } from "./command.js";

/** The local registry container and image (local registry mode). */
export const LOCAL_REGISTRY_CONTAINER = "kamal-docker-registry";
export const LOCAL_REGISTRY_IMAGE = "registry:3";

/** `docker login <server> -u "<user>" -p "<password>"` (credentials redacted in logs). */
export function login(config: Config, options: { registryConfig?: RegistryConfig } = {}): Command {
  const registry = options.registryConfig ?? config.registry;
  return docker(
    "login",
    registry.server,
    "-u",
    new Sensitive(escapeShellValue(registry.username())),
    "-p",
    new Sensitive(escapeShellValue(registry.password())),
  );
}

/** `docker logout <server>` */
export function logout(config: Config, options: { registryConfig?: RegistryConfig } = {}): Command {
  const registry = options.registryConfig ?? config.registry;
  return docker("logout", registry.server);
}

/** `docker start kamal-docker-registry || docker run --detach -p 127.0.0.1:<port>:5000 --name kamal-docker-registry registry:3` */
export function setup(config: Config, options: { registryConfig?: RegistryConfig } = {}): Command {
  const registry = options.registryConfig ?? config.registry;
  return any(
    docker("start", LOCAL_REGISTRY_CONTAINER),
    docker(
      "run",
      "--detach",
      "-p",
      `127.0.0.1:${registry.localPort}:5000`,
      "--name",
      LOCAL_REGISTRY_CONTAINER,
      LOCAL_REGISTRY_IMAGE,
    ),
  );
}

/** `docker stop kamal-docker-registry && docker rm kamal-docker-registry` */
export function remove(_config?: Config): Command {
  return combine([docker("stop", LOCAL_REGISTRY_CONTAINER), docker("rm", LOCAL_REGISTRY_CONTAINER)]);
}

/** The config's registry is a local one (`localhost:PORT`). */
export function isLocal(config: Config): boolean {
  return config.registry.local;
}
