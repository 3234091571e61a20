/**
 * @module
 * Helpers every command group shares (Kamal's `Commands::Base`): `ssh -t` for interactive commands,
 * container lookup by exact name, directory and file commands, and the local docker checks.
 */
import type { Config } from "../config/config.js";
import { dirname } from "../ruby.js";
import { type Command, combine, docker, flatten, render } from "./command.js";
import type { Facts } from "./facts.js";

/** Options shared by the `docker logs` builders of the app, accessories and the proxy. */
export interface LogsOptions {
  readonly timestamps?: boolean;
  readonly since?: string | undefined;
  readonly lines?: number | string | undefined;
  readonly grep?: string | undefined;
  readonly grepOptions?: string | undefined;
}

/** The docker inspect format giving a container's health (or state when it has no healthcheck). */
export const DOCKER_HEALTH_STATUS_FORMAT =
  "'{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}'";

/**
 * `ssh [-F …] [-J …|-o ProxyCommand='…'] [-i key…] [-o IdentitiesOnly=yes] -t user@host -p port '<command>'`:
 * a string for the system ssh, single quotes in the command escaped as `'\''`.
 */
export function runOverSsh(
  config: Config,
  command: Command | string,
  options: { host: string; extraSshArgs?: string },
): string {
  const text = typeof command === "string" ? command : render(command);
  const ssh = config.ssh;
  return `ssh${sshConfigArgs(config)}${sshProxyArgs(config)}${sshKeysArgs(config)}${options.extraSshArgs ?? ""} -t ${ssh.user}@${options.host} -p ${ssh.port} '${text.replaceAll("'", "'\\''")}'`;
}

/** `docker container ls [--all] --filter 'name=^<name>$' --quiet` */
export function containerIdFor(options: { containerName: string; onlyRunning?: boolean }): Command {
  return docker(
    "container",
    "ls",
    options.onlyRunning ? undefined : "--all",
    "--filter",
    `'name=^${options.containerName}$'`,
    "--quiet",
  );
}

/** `mkdir -p <dirname of file>` */
export function makeDirectoryFor(remoteFile: string): Command {
  return makeDirectory(dirname(remoteFile));
}

/** `mkdir -p <path>` */
export function makeDirectory(path: string): Command {
  return ["mkdir", "-p", path];
}

/** `rm -r <path>` */
export function removeDirectory(path: string): Command {
  return ["rm", "-r", path];
}

/** `rm <path>` */
export function removeFile(path: string): Command {
  return ["rm", path];
}

/** `docker --version && docker buildx version` */
export function ensureDockerInstalled(): Command {
  return combine([docker("--version"), docker("buildx", "version")]);
}

/** `-it` when stdin is a terminal, else `-i`. */
export function dockerInteractiveArgs(facts: Pick<Facts, "stdinIsTty">): string {
  return facts.stdinIsTty() ? "-it" : "-i";
}

/** The command's tokens joined as Kamal's `Array#join(" ")` does (for embedding in strings). */
export function joinCommand(command: Command): string {
  return flatten(command).length === 0 ? "" : render(command);
}

function sshConfigArgs(config: Config): string {
  const setting = config.ssh.config;
  if (Array.isArray(setting)) return setting.map((file) => ` -F ${file}`).join("");
  if (typeof setting === "string") return ` -F ${setting}`;
  if (setting === false) return " -F /dev/null";
  return "";
}

function sshProxyArgs(config: Config): string {
  const proxy = config.ssh.proxy;
  if (!proxy) return "";
  return proxy.kind === "jump" ? ` -J ${proxy.jumpProxies}` : ` -o ProxyCommand='${proxy.commandLineTemplate}'`;
}

function sshKeysArgs(config: Config): string {
  const keys = (config.ssh.keys ?? []).map((key) => ` -i ${key}`).join("");
  return `${keys}${config.ssh.keysOnly ? " -o IdentitiesOnly=yes" : ""}`;
}
