/**
 * @module
 * Installing and checking Docker on a host. Kamal's `Commands::Docker`. The `${…}` in these strings are
 * shell parameter expansions on the host, not template placeholders.
 */
import { KAMAL_NETWORK } from "../constants.js";
import { any, type Command, docker, pipe, shell } from "./command.js";

/** Installs Docker with the get.docker.com convenience script. */
export function install(): Command {
  return pipe(
    shell(
      any(
        ["curl", "-fsSL", "https://get.docker.com"],
        ["wget", "-O -", "https://get.docker.com"],
        ["echo", '"exit 1"'],
      ),
    ),
    "sh",
  );
}

/** `docker -v`: fails when the client is missing. */
export function installed(): Command {
  return docker("-v");
}

/** `docker version`: fails when the daemon is not running. */
export function running(): Command {
  return docker("version");
}

/** Root, or passwordless sudo for usermod. */
export function superuser(): Command {
  return ['[ "${EUID:-$(id -u)}" -eq 0 ] || sudo -nl usermod >/dev/null'];
}

/** `[ "${EUID:-$(id -u)}" -eq 0 ]` */
export function root(): Command {
  return ['[ "${EUID:-$(id -u)}" -eq 0 ]'];
}

/** The login user is in the docker group. */
export function inDockerGroup(): Command {
  return ['id -nG "${USER:-$(id -un)}" | grep -qw docker'];
}

/** Adds the login user to the docker group. */
export function addToDockerGroup(): Command {
  return ['sudo -n usermod -aG docker "${USER:-$(id -un)}"'];
}

/** Drops the SSH session so a new group membership applies. */
export function refreshSession(): Command {
  return ["kill -HUP $PPID"];
}

/** `docker network create kamal` */
export function createNetwork(): Command {
  return docker("network", "create", KAMAL_NETWORK);
}

/** `docker network ls --format '{{.Name}}'`: the networks a host has, one per line. */
export function listNetworks(): Command {
  return docker("network", "ls", "--format", "'{{.Name}}'");
}
