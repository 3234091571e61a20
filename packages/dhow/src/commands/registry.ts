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

/**
 * dhow only: `docker login` and the image's pull at once, so a deploy waits for the registry's round trips of
 * one, not both (≈ 0.6 s at 100 ms RTT). The pull starts with the credentials the host already stored (the
 * last deploy's login); when it fails and the login succeeds, it runs again with the fresh ones, so expired
 * tokens (ECR's last 12 hours) still work. A failed login fails the step with the login's output, as
 * Kamal's login before the pull would. The pull's output shows as it comes, the login's after it; the first
 * pull's errors only when it was not retried.
 */
export function loginWhilePulling(login: Command, pull: Command): Command {
  return [
    "l=$(mktemp) && e=$(mktemp) || exit 1 ; {",
    ...login,
    '; } >"$l" 2>&1 & w=$! ;',
    ...pull,
    '2>"$e" ; r=$? ; wait "$w" ; s=$? ;',
    'if [ "$s" -ne 0 ] ; then cat "$l" >&2 ; rm -f "$l" "$e" ; exit "$s" ; fi ; cat "$l" ;',
    'if [ "$r" -ne 0 ] ; then',
    ...pull,
    '; r=$? ; else cat "$e" >&2 ; fi ; rm -f "$l" "$e" ; exit "$r"',
  ];
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
