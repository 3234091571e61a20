/**
 * @module
 * Registering an app role with kamal-proxy (deploy, remove, pause, resume) and its proxy directories.
 * Kamal's `Commands::App::Proxy`.
 */
import type { Config } from "../../config/config.js";
import { makeDirectory, removeDirectory } from "../base.js";
import { type Command, docker } from "../command.js";
import type { AppTarget } from "./target.js";

/** `docker exec kamal-proxy kamal-proxy deploy <prefix> --target="<target>:<port>" …` */
export function deploy(target: AppTarget, options: { target: string }): Command {
  return proxyExec(
    target.config,
    "deploy",
    target.role.containerPrefix,
    ...(target.role.proxy?.deployCommandArgs(options.target) ?? []),
  );
}

/** `docker exec kamal-proxy kamal-proxy remove <prefix>` */
export function remove(target: AppTarget): Command {
  return proxyExec(target.config, "remove", target.role.containerPrefix);
}

/** `docker exec kamal-proxy kamal-proxy resume <prefix>` */
export function live(target: AppTarget): Command {
  return proxyExec(target.config, "resume", target.role.containerPrefix);
}

/** `docker exec kamal-proxy kamal-proxy stop <prefix> [--drain-timeout="Ns"] [--message="…"]` */
export function maintenance(
  target: AppTarget,
  options: { drainTimeout?: number | string; message?: string } = {},
): Command {
  return proxyExec(
    target.config,
    "stop",
    target.role.containerPrefix,
    ...(target.role.proxy?.stopCommandArgs(options) ?? []),
  );
}

/** `docker exec kamal-proxy kamal-proxy list`: the services table (Service Host Path Target State TLS). */
export function listRoutes(config: Config): Command {
  return proxyExec(config, "list");
}

/** `rm -r .kamal/proxy/apps-config/<service[-dest]>` */
export function removeProxyAppDirectory(target: AppTarget): Command {
  return removeDirectory(target.config.proxyBoot.appDirectory);
}

/** `mkdir -p .kamal/proxy/apps-config/<service[-dest]>/tls/<role>` */
export function createSslDirectory(target: AppTarget): Command {
  return makeDirectory(`${target.config.proxyBoot.tlsDirectory}/${target.role.name}`);
}

function proxyExec(config: Config, ...command: string[]): Command {
  return docker("exec", config.proxyBoot.containerName, "kamal-proxy", ...command);
}
