/**
 * @module
 * Running, stopping and finding app containers (the body of Kamal's `Commands::App`).
 */
import { DHOW_NETWORK, KAMAL_NETWORK } from "../../constants.js";
import { containerIdFor, DOCKER_HEALTH_STATUS_FORMAT, makeDirectory } from "../base.js";
import { argumentize, chain, type Command, cmd, docker, pipe, shell, xargs } from "../command.js";
import { addHostArgs, type ExtraHost } from "../cross-host.js";
import { ACTIVE_DOCKER_STATUSES, type AppTarget, containerFilterArgs, containerName } from "./target.js";

/** How `run` starts the container beyond Kamal's command. */
export interface RunOptions {
  readonly hostname?: string | undefined;
  /**
   * dhow's stable names (commands/app/names.ts): start on the `dhow` network instead of `kamal`, without the
   * role's own network options (joined with `docker network connect` after the run).
   */
  readonly stableNames?: boolean | undefined;
  /** `--add-host <name>:<address>` entries (accessories on other hosts, by their names). */
  readonly extraHosts?: readonly ExtraHost[] | undefined;
}

/**
 * `docker run --detach --restart <policy> --name <container> --network kamal … <image> [cmd]` (Kamal's
 * command); with `stableNames`, `--network dhow` and the role's network options left out.
 */
export function run(target: AppTarget, options: RunOptions = {}): Command {
  const { config, role, host } = target;
  const name = containerName(target);
  return docker(
    "run",
    "--detach",
    "--restart",
    role.restartPolicy,
    "--name",
    name,
    "--network",
    options.stableNames ? DHOW_NETWORK : KAMAL_NETWORK,
    options.hostname ? ["--hostname", options.hostname] : undefined,
    addHostArgs(options.extraHosts),
    "--env",
    `KAMAL_CONTAINER_NAME="${name}"`,
    "--env",
    `KAMAL_VERSION="${config.version}"`,
    "--env",
    `KAMAL_HOST="${host ?? ""}"`,
    config.destination !== undefined ? ["--env", `KAMAL_DESTINATION="${config.destination}"`] : undefined,
    cmd(...role.envArgs(host ?? "")),
    role.loggingArgs(),
    config.volumeArgs(),
    role.assetVolumeArgs(),
    cmd(...role.labelArgs()),
    options.stableNames ? role.optionArgsWithoutNetworks() : role.optionArgs(),
    config.absoluteImage,
    role.cmd,
  );
}

/** `docker start <container>` */
export function start(target: AppTarget): Command {
  return docker("start", containerName(target));
}

/** The health (or state) of a version's container. */
export function status(target: AppTarget, options: { version: string }): Command {
  return pipe(
    containerIdForVersion(target, options.version),
    xargs(docker("inspect", "--format", DOCKER_HEALTH_STATUS_FORMAT)),
  );
}

/** Stops a version's container, or the current running one; `-t N` per the role's stop args. */
export function stop(target: AppTarget, options: { version?: string | undefined } = {}): Command {
  return pipe(
    options.version ? containerIdForVersion(target, options.version) : currentRunningContainerId(target),
    xargs(docker("stop", ...target.role.stopArgs())),
  );
}

/** `docker ps <filters>` */
export function info(target: AppTarget): Command {
  return docker("ps", ...containerFilterArgs(target));
}

/** The ID of the running container (preferring one from the latest image). */
export function currentRunningContainerId(target: AppTarget): Command {
  return currentRunningContainer(target, ["--quiet"]);
}

/** `docker container ls --all --filter 'name=^<prefix>-<version>$' --quiet` */
export function containerIdForVersion(
  target: AppTarget,
  version: string,
  options: { onlyRunning?: boolean } = {},
): Command {
  return containerIdFor({ containerName: containerName(target, version), onlyRunning: options.onlyRunning ?? false });
}

/** The version of the running container (its name minus the role's container prefix). */
export function currentRunningVersion(target: AppTarget): Command {
  return pipe(currentRunningContainer(target, ["--format", "'{{.Names}}'"]), extractVersionFromName(target));
}

/** Versions of the role's containers: `docker ps <filters> <args> --format "{{.Names}}" | <strip prefix>` */
export function listVersions(
  target: AppTarget,
  dockerArgs: readonly string[] = [],
  options: { statuses?: readonly string[] | undefined } = {},
): Command {
  return pipe(
    docker("ps", ...containerFilterArgs(target, options.statuses), ...dockerArgs, "--format", '"{{.Names}}"'),
    extractVersionFromName(target),
  );
}

/** `mkdir -p .kamal/apps/<svc>/env/roles` */
export function ensureEnvDirectory(target: AppTarget): Command {
  return makeDirectory(target.role.envDirectory);
}

function currentRunningContainer(target: AppTarget, format: readonly string[]): Command {
  return pipe(shell(chain(latestImageContainer(target, format), latestContainer(target, format))), ["head", "-1"]);
}

function latestImageContainer(target: AppTarget, format: readonly string[]): Command {
  return latestContainer(target, format, [`ancestor=$(${latestImageId(target).join(" ")})`]);
}

function latestContainer(target: AppTarget, format: readonly string[], filters?: readonly string[]): Command {
  return docker(
    "ps",
    "--latest",
    ...format,
    ...containerFilterArgs(target, ACTIVE_DOCKER_STATUSES),
    filters ? argumentize("--filter", filters) : undefined,
  );
}

function latestImageId(target: AppTarget): string[] {
  return [
    "docker",
    "image",
    "ls",
    ...argumentize("--filter", [`reference=${target.config.latestImage}`]).map(String),
    "--format",
    "'{{.ID}}'",
  ];
}

function extractVersionFromName(target: AppTarget): string {
  return `while read line; do echo \${line#${target.role.containerPrefix}-}; done`;
}
