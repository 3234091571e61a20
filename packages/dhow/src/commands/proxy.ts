/**
 * @module
 * The kamal-proxy container on a host: run (from `proxy.run`, or the legacy boot files), start, stop,
 * logs, version, boot-config files, removal. Kamal's `Commands::Proxy`. Each function takes a
 * `ProxyTarget` (config and host); use as a namespace: `import * as proxy from "./commands/proxy.js"`.
 */
import { DHOW_NETWORK, KAMAL_NETWORK } from "../constants.js";
import type { Config } from "../config/config.js";
import { makeDirectory, removeDirectory, removeFile, runOverSsh } from "./base.js";
import type { LogsOptions } from "./base.js";
import { any, chain, combine, type Command, docker, isTruthy, pipe, substitute, xargs } from "./command.js";

/** The config and the host a proxy command is built for. */
export interface ProxyTarget {
  readonly config: Config;
  readonly host: string;
}

/** The OCI title label the kamal-proxy image carries (used to prune its containers and images). */
export const PROXY_IMAGE_TITLE_FILTER = "label=org.opencontainers.image.title=kamal-proxy";

/** Starts a new proxy container: from the host's `proxy.run`, else from the boot files (with defaults). */
export function run(target: ProxyTarget): Command {
  const { config } = target;
  const runConfig = config.proxyRun(target.host);
  if (runConfig) {
    return docker(
      "run",
      "--name",
      config.proxyBoot.containerName,
      ...runConfig.networkArgs(),
      "--detach",
      "--restart",
      "unless-stopped",
      "--volume",
      "kamal-proxy-config:/home/kamal-proxy/.config/kamal-proxy",
      ...runConfig.dockerOptionsArgs(),
      runConfig.image,
      runConfig.runCommand,
    );
  }
  return pipe(bootConfig(target), xargs(legacyDockerRun(config)));
}

/** `docker container start kamal-proxy` */
export function start(target: ProxyTarget): Command {
  return docker("container", "start", target.config.proxyBoot.containerName);
}

/** `docker container stop <name>` */
export function stop(target: ProxyTarget, options: { name?: string } = {}): Command {
  return docker("container", "stop", options.name ?? target.config.proxyBoot.containerName);
}

/** `docker container start kamal-proxy || <run>` */
export function startOrRun(target: ProxyTarget): Command {
  return any(start(target), run(target));
}

/** `docker ps --filter 'name=^kamal-proxy$'` */
export function info(target: ProxyTarget): Command {
  return docker("ps", "--filter", `'name=^${target.config.proxyBoot.containerName}$'`);
}

/**
 * dhow only, the gather step's read of the proxy (flows/runtime/gather-queries.ts): in one `docker inspect`,
 * the container's image (whose tag answers `version`), whether it runs, and whether it is on the `dhow` names
 * network. With it the deploy leaves out `docker container start` of a running proxy and the names network's
 * check when both are already as they must be. Parse it with `parseState`.
 */
export function state(target: ProxyTarget): Command {
  return docker(
    "inspect",
    target.config.proxyBoot.containerName,
    `--format '{{.Config.Image}} {{.State.Running}} {{if index .NetworkSettings.Networks "${DHOW_NETWORK}"}}on{{else}}off{{end}}'`,
  );
}

/** What `state` printed; undefined when the container does not exist (or the output is not `state`'s). */
export interface ProxyState {
  /** The image's tag, as `version` prints it (the text after the image's last `:`). */
  readonly version: string;
  readonly running: boolean;
  readonly onNamesNetwork: boolean;
}

/** Parses the output of `state` (exit code 0 only: a missing container answers nothing). */
export function parseState(answer: { stdout: string; exitCode: number }): ProxyState | undefined {
  if (answer.exitCode !== 0) return undefined;
  const match = /^(\S+) (true|false) (on|off)$/.exec(answer.stdout.trim());
  if (!match) return undefined;
  const image = match[1]!;
  return {
    version: image.slice(image.lastIndexOf(":") + 1),
    running: match[2] === "true",
    onNamesNetwork: match[3] === "on",
  };
}

/** The running proxy's image tag. */
export function version(target: ProxyTarget): Command {
  return pipe(docker("inspect", target.config.proxyBoot.containerName, "--format '{{.Config.Image}}'"), [
    "awk",
    "-F:",
    "'{print $NF}'",
  ]);
}

/** Options of `logs` / `followLogs`. */
export type ProxyLogsOptions = LogsOptions;

/** `docker logs kamal-proxy [--since S] [--tail N] [--timestamps] 2>&1 [| grep 'G' opts]` */
export function logs(target: ProxyTarget, options: ProxyLogsOptions = {}): Command {
  const { timestamps = true, since, lines, grep, grepOptions } = options;
  return pipe(
    docker(
      "logs",
      target.config.proxyBoot.containerName,
      isTruthy(since) ? `--since ${since}` : undefined,
      isTruthy(lines) ? `--tail ${lines}` : undefined,
      timestamps ? "--timestamps" : undefined,
      "2>&1",
    ),
    isTruthy(grep) ? `grep '${grep}'${isTruthy(grepOptions) ? ` ${grepOptions}` : ""}` : undefined,
  );
}

/** `ssh -t … 'docker logs kamal-proxy [--timestamps] --tail 10 --follow 2>&1 [| grep "G"]'` */
export function followLogs(
  target: ProxyTarget,
  options: Omit<ProxyLogsOptions, "since" | "lines"> & { host: string },
): string {
  const { timestamps = true, grep, grepOptions } = options;
  return runOverSsh(
    target.config,
    pipe(
      docker(
        "logs",
        target.config.proxyBoot.containerName,
        timestamps ? "--timestamps" : undefined,
        "--tail",
        "10",
        "--follow",
        "2>&1",
      ),
      isTruthy(grep) ? `grep "${grep}"${isTruthy(grepOptions) ? ` ${grepOptions}` : ""}` : undefined,
    ),
    { host: options.host },
  );
}

/** `docker container prune --force --filter label=org.opencontainers.image.title=kamal-proxy` */
export function removeContainer(_target?: ProxyTarget): Command {
  return docker("container", "prune", "--force", "--filter", PROXY_IMAGE_TITLE_FILTER);
}

/** `docker image prune --all --force --filter label=org.opencontainers.image.title=kamal-proxy` */
export function removeImage(_target?: ProxyTarget): Command {
  return docker("image", "prune", "--all", "--force", "--filter", PROXY_IMAGE_TITLE_FILTER);
}

/** Stops and prunes a Kamal 1 Traefik container and image. */
export function cleanupTraefik(_target?: ProxyTarget): Command {
  return chain(
    docker("container", "stop", "traefik"),
    combine([
      docker("container", "prune", "--force", "--filter", "label=org.opencontainers.image.title=Traefik"),
      docker("image", "prune", "--all", "--force", "--filter", "label=org.opencontainers.image.title=Traefik"),
    ]),
  );
}

/** `mkdir -p .kamal/proxy` */
export function ensureProxyDirectory(target: ProxyTarget): Command {
  return makeDirectory(target.config.proxyBoot.hostDirectory);
}

/** `rm -r .kamal/proxy` */
export function removeProxyDirectory(target: ProxyTarget): Command {
  return removeDirectory(target.config.proxyBoot.hostDirectory);
}

/** `mkdir -p .kamal/proxy/apps-config` */
export function ensureAppsConfigDirectory(target: ProxyTarget): Command {
  return makeDirectory(target.config.proxyBoot.appsDirectory);
}

/** `echo $(<options>) $(<image>):$(<version>) $(<run command>)`: the legacy boot config, with defaults. */
export function bootConfig(target: ProxyTarget): Command {
  return [
    "echo",
    `${substitute(readBootOptions(target))} ${substitute(readImage(target))}:${substitute(readImageVersion(target))} ${substitute(readRunCommand(target))}`,
  ];
}

/** `cat .kamal/proxy/options 2> /dev/null || echo "<default options>"` */
export function readBootOptions(target: ProxyTarget): Command {
  const boot = target.config.proxyBoot;
  return readFile(boot.optionsFile, boot.defaultBootOptions.join(" "));
}

/** `cat .kamal/proxy/image 2> /dev/null || echo "basecamp/kamal-proxy"` */
export function readImage(target: ProxyTarget): Command {
  const boot = target.config.proxyBoot;
  return readFile(boot.imageFile, boot.imageDefault);
}

/** `cat .kamal/proxy/image_version 2> /dev/null || echo "v0.9.2"` */
export function readImageVersion(target: ProxyTarget): Command {
  return readFile(target.config.proxyBoot.imageVersionFile, target.config.proxyBoot.minimumVersion);
}

/** `cat .kamal/proxy/run_command 2> /dev/null || echo ""` */
export function readRunCommand(target: ProxyTarget): Command {
  return readFile(target.config.proxyBoot.runCommandFile, "");
}

/** `rm .kamal/proxy/options` */
export function resetBootOptions(target: ProxyTarget): Command {
  return removeFile(target.config.proxyBoot.optionsFile);
}

/** `rm .kamal/proxy/image` */
export function resetImage(target: ProxyTarget): Command {
  return removeFile(target.config.proxyBoot.imageFile);
}

/** `rm .kamal/proxy/image_version` */
export function resetImageVersion(target: ProxyTarget): Command {
  return removeFile(target.config.proxyBoot.imageVersionFile);
}

/** `rm .kamal/proxy/run_command` */
export function resetRunCommand(target: ProxyTarget): Command {
  return removeFile(target.config.proxyBoot.runCommandFile);
}

function readFile(file: string, fallback: string): Command {
  return any(["cat", file, "2>", "/dev/null"], ["echo", `"${fallback}"`]);
}

function legacyDockerRun(config: Config): Command {
  return docker(
    "run",
    "--name",
    config.proxyBoot.containerName,
    "--network",
    KAMAL_NETWORK,
    "--detach",
    "--restart",
    "unless-stopped",
    "--volume",
    "kamal-proxy-config:/home/kamal-proxy/.config/kamal-proxy",
    ...config.proxyBoot.appsVolume.dockerArgs(),
  );
}
