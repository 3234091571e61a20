/**
 * @module
 * Accessory container commands (run, start, stop, exec, logs, remove, pull) and their kamal-proxy
 * registration. Kamal's `Commands::Accessory` and `Commands::Accessory::Proxy`. Each takes an
 * `AccessoryTarget`; use as a namespace: `import * as accessory from "./commands/accessory.js"`.
 */
import type { Accessory, Config } from "../config/config.js";
import { healthcheckArgs } from "./accessory-healthcheck.js";
import { dockerInteractiveArgs, makeDirectory, runOverSsh as baseRunOverSsh } from "./base.js";
import type { LogsOptions } from "./base.js";
import { cmd, type Command, docker, isTruthy, pipe } from "./command.js";
import { addHostArgs, type ExtraHost } from "./cross-host.js";
import type { Facts } from "./facts.js";

/** The config and the accessory a command is built for. */
export interface AccessoryTarget {
  readonly config: Config;
  readonly accessory: Accessory;
}

/**
 * `docker run --name <svc> --detach --restart <policy> --network … [--env KAMAL_HOST=…] … <image> [cmd]`;
 * dhow only: after the network, `--add-host` for accessories it reaches on other hosts (cross-host names);
 * after the labels, `--label dhow.config-hash="<hash>"` when the config uses dependency features
 * (config/accessory-config-hash.ts), and `--health-*` flags when the accessory has a `healthcheck`
 * (accessory-healthcheck.ts).
 */
export function run(
  target: AccessoryTarget,
  options: { host?: string | undefined; extraHosts?: readonly ExtraHost[] | undefined } = {},
): Command {
  const { config, accessory } = target;
  return docker(
    "run",
    "--name",
    accessory.serviceName,
    "--detach",
    "--restart",
    accessory.restartPolicy,
    accessory.networkArgs(),
    addHostArgs(options.extraHosts),
    config.loggingArgs(),
    accessory.publishArgs(),
    options.host ? ["--env", `KAMAL_HOST="${options.host}"`] : undefined,
    cmd(...accessory.envArgs()),
    cmd(...accessory.volumeArgs()),
    cmd(...accessory.labelArgs()),
    configHashArgs(accessory.configHash()),
    accessory.healthcheck === undefined ? undefined : healthcheckArgs(accessory.healthcheck),
    accessory.optionArgs(),
    accessory.image,
    accessory.cmd,
  );
}

/** The label `docker run` gives an accessory container with the hash of its effective config (dhow only). */
export const CONFIG_HASH_LABEL = "dhow.config-hash";

/** `--label dhow.config-hash="<hash>"`, or nothing without a hash. */
function configHashArgs(hash: string | undefined): string[] {
  return hash === undefined ? [] : ["--label", `${CONFIG_HASH_LABEL}="${hash}"`];
}

/**
 * `docker inspect --format '{{index .Config.Labels "dhow.config-hash"}}' <svc>`: prints the config hash the
 * running accessory container was booted with (an empty line for a container booted without it, e.g. by
 * Kamal); fails when the container does not exist. Compare it with `accessory.configHash()`.
 */
export function configHashLabel(target: AccessoryTarget): Command {
  return docker(
    "inspect",
    "--format",
    `'{{index .Config.Labels "${CONFIG_HASH_LABEL}"}}'`,
    target.accessory.serviceName,
  );
}

/** `docker container start <svc>` */
export function start(target: AccessoryTarget): Command {
  return docker("container", "start", target.accessory.serviceName);
}

/** `docker container stop <svc>` */
export function stop(target: AccessoryTarget): Command {
  return docker("container", "stop", target.accessory.serviceName);
}

/** `docker ps [-a] [-q] --filter label=service=<svc>` */
export function info(target: AccessoryTarget, options: { all?: boolean; quiet?: boolean } = {}): Command {
  return docker("ps", options.all ? "-a" : undefined, options.quiet ? "-q" : undefined, ...serviceFilter(target));
}

/** Options of `logs` / `followLogs`. */
export type AccessoryLogsOptions = LogsOptions;

/** `docker logs <svc> [ --since S] [ --tail N] [--timestamps] 2>&1 [| grep 'G' opts]` */
export function logs(target: AccessoryTarget, options: AccessoryLogsOptions = {}): Command {
  const { timestamps = true, since, lines, grep, grepOptions } = options;
  return pipe(
    docker(
      "logs",
      target.accessory.serviceName,
      isTruthy(since) ? ` --since ${since}` : undefined,
      isTruthy(lines) ? ` --tail ${lines}` : undefined,
      timestamps ? "--timestamps" : undefined,
      "2>&1",
    ),
    isTruthy(grep) ? `grep '${grep}'${isTruthy(grepOptions) ? ` ${grepOptions}` : ""}` : undefined,
  );
}

/** `ssh -t … 'docker logs <svc> [--timestamps] --tail 10 --follow 2>&1 [| grep "G"]'` on the first host. */
export function followLogs(
  target: AccessoryTarget,
  options: Omit<AccessoryLogsOptions, "since" | "lines"> = {},
): string {
  const { timestamps = true, grep, grepOptions } = options;
  return runOverSsh(
    target,
    pipe(
      docker(
        "logs",
        target.accessory.serviceName,
        timestamps ? "--timestamps" : undefined,
        "--tail",
        "10",
        "--follow",
        "2>&1",
      ),
      isTruthy(grep) ? `grep "${grep}"${isTruthy(grepOptions) ? ` ${grepOptions}` : ""}` : undefined,
    ),
  );
}

/** Options of the exec builders. */
export interface AccessoryExecOptions {
  readonly interactive?: boolean;
  readonly facts?: Pick<Facts, "stdinIsTty">;
}

/** `docker exec [-it] <svc> <command>` */
export function executeInExistingContainer(
  target: AccessoryTarget,
  command: readonly string[],
  options: AccessoryExecOptions = {},
): Command {
  return docker("exec", interactiveArgs(options), target.accessory.serviceName, ...command);
}

/** `docker run [-it] --rm --network … <env> <volumes> <options> <image> <command>` */
export function executeInNewContainer(
  target: AccessoryTarget,
  command: readonly string[],
  options: AccessoryExecOptions = {},
): Command {
  const { accessory } = target;
  return docker(
    "run",
    interactiveArgs(options),
    "--rm",
    accessory.networkArgs(),
    cmd(...accessory.envArgs()),
    cmd(...accessory.volumeArgs()),
    accessory.optionArgs(),
    accessory.image,
    ...command,
  );
}

/** `ssh -t <first host> 'docker exec -it …'` */
export function executeInExistingContainerOverSsh(
  target: AccessoryTarget,
  command: readonly string[],
  facts: Pick<Facts, "stdinIsTty">,
): string {
  return runOverSsh(target, executeInExistingContainer(target, command, { interactive: true, facts }));
}

/** `ssh -t <first host> 'docker run -it --rm …'` */
export function executeInNewContainerOverSsh(
  target: AccessoryTarget,
  command: readonly string[],
  facts: Pick<Facts, "stdinIsTty">,
): string {
  return runOverSsh(target, executeInNewContainer(target, command, { interactive: true, facts }));
}

/** `ssh -t … '<command>'` on the accessory's first host. */
export function runOverSsh(target: AccessoryTarget, command: Command | string): string {
  return baseRunOverSsh(target.config, command, { host: target.accessory.hosts[0] ?? "" });
}

/** `rm -rf <svc>`: the accessory's data directory on the host. */
export function removeServiceDirectory(target: AccessoryTarget): Command {
  return ["rm", "-rf", target.accessory.serviceName];
}

/** `docker container prune --force --filter label=service=<svc>` */
export function removeContainer(target: AccessoryTarget): Command {
  return docker("container", "prune", "--force", ...serviceFilter(target));
}

/** `docker image rm --force <image>` */
export function removeImage(target: AccessoryTarget): Command {
  return docker("image", "rm", "--force", target.accessory.image);
}

/** `docker image pull <image>` */
export function pullImage(target: AccessoryTarget): Command {
  return docker("image", "pull", target.accessory.image);
}

/** `mkdir -p .kamal/apps/<svc>/env/accessories` */
export function ensureEnvDirectory(target: AccessoryTarget): Command {
  return makeDirectory(target.accessory.envDirectory);
}

/** `docker exec kamal-proxy kamal-proxy deploy <svc> --target="<target>:<port>" …` */
export function deploy(target: AccessoryTarget, options: { target: string }): Command {
  return proxyExec(
    target,
    "deploy",
    target.accessory.serviceName,
    ...(target.accessory.proxy?.deployCommandArgs(options.target) ?? []),
  );
}

/** `docker exec kamal-proxy kamal-proxy remove <svc>` */
export function remove(target: AccessoryTarget): Command {
  return proxyExec(target, "remove", target.accessory.serviceName);
}

/** `mkdir -p .kamal/proxy/apps-config/<svc>/tls/accessories/<name>` */
export function createSslDirectory(target: AccessoryTarget): Command {
  return makeDirectory(
    `${target.config.proxyBoot.tlsDirectory}/${target.accessory.proxy?.roleName ?? `accessories/${target.accessory.name}`}`,
  );
}

function proxyExec(target: AccessoryTarget, ...command: string[]): Command {
  return docker("exec", target.config.proxyBoot.containerName, "kamal-proxy", ...command);
}

function serviceFilter(target: AccessoryTarget): string[] {
  return ["--filter", `label=service=${target.accessory.serviceName}`];
}

function interactiveArgs(options: AccessoryExecOptions): string | undefined {
  if (!options.interactive) return undefined;
  return options.facts ? dockerInteractiveArgs(options.facts) : "-it";
}
