/**
 * @module
 * `proxy.run`: how the kamal-proxy container is started when the config says so (ports, bind IPs, log
 * size, image, metrics, debug, extra docker options). Kamal's `Configuration::Proxy::Run`.
 */
import { KAMAL_NETWORK, PROXY_CONTAINER_NAME } from "../../constants.js";
import { isPresent } from "../../ruby.js";
import { optionize } from "../../shell-escape.js";
import type { RawProxyRun } from "../raw-config.js";
import {
  DEFAULT_PROXY_HTTP_PORT,
  DEFAULT_PROXY_HTTPS_PORT,
  DEFAULT_PROXY_LOG_MAX_SIZE,
  DEFAULT_PROXY_REPOSITORY,
  PROXY_MINIMUM_VERSION,
  type ProxyBoot,
  publishArgs,
} from "./proxy-boot.js";

/** A resolved `proxy.run`. */
export interface ProxyRun {
  readonly raw: RawProxyRun;
  readonly containerName: string;
  readonly debug: boolean;
  readonly publish: boolean;
  readonly httpPort: number | string;
  readonly httpsPort: number | string;
  readonly bindIps: readonly string[] | undefined;
  readonly logMaxSize: string;
  readonly metricsPort: number | string | undefined;
  readonly registry: string | undefined;
  readonly repository: string;
  readonly version: string;
  /** `[registry/]repository:version` */
  readonly image: string;
  /** Runs dhow's own proxy image: no `registry`, `repository` or `version` given, and dhow's is the default. */
  readonly dhowImage: boolean;
  /** `kamal-proxy run [--debug] [--metrics-port "N"]` as one token. */
  readonly runCommand: string;
  /** `--network kamal` */
  networkArgs(): string[];
  /** The docker run options in Kamal's order: apps volume, publish, log size, expose, extra options. */
  dockerOptionsArgs(): string[];
}

/** Resolves `proxy.run` (paths come from the host's proxy boot layout). */
export function createProxyRun(raw: RawProxyRun, boot: ProxyBoot): ProxyRun {
  const debug = Boolean(raw.debug ?? false);
  const publish = raw.publish ?? true;
  const httpPort = raw.http_port ?? DEFAULT_PROXY_HTTP_PORT;
  const httpsPort = raw.https_port ?? DEFAULT_PROXY_HTTPS_PORT;
  const bindIps = raw.bind_ips ?? undefined;
  const logMaxSize = raw.log_max_size ?? DEFAULT_PROXY_LOG_MAX_SIZE;
  const metricsPort = raw.metrics_port ?? undefined;
  const choosesImage = [raw.registry, raw.repository, raw.version].some((part) => part !== undefined && part !== null);
  const dhowImage = !choosesImage && boot.dhowImageByDefault;
  const registry = dhowImage ? boot.dhowImage.registry : (raw.registry ?? undefined);
  const repository = dhowImage ? boot.dhowImage.repository : (raw.repository ?? DEFAULT_PROXY_REPOSITORY);
  const version = dhowImage ? boot.dhowImage.version : (raw.version ?? PROXY_MINIMUM_VERSION);
  const image = `${[registry, repository].filter((part) => part !== undefined).join("/")}:${version}`;
  const runOptions: Record<string, unknown> = {};
  if (debug) runOptions.debug = true;
  if (metricsPort !== undefined) runOptions["metrics-port"] = metricsPort;
  return {
    raw,
    containerName: PROXY_CONTAINER_NAME,
    debug,
    publish,
    httpPort,
    httpsPort,
    bindIps,
    logMaxSize,
    metricsPort,
    registry,
    repository,
    version,
    image,
    dhowImage,
    runCommand: ["kamal-proxy", "run", ...optionize(runOptions)].join(" "),
    networkArgs: () => ["--network", KAMAL_NETWORK],
    dockerOptionsArgs: () => [
      ...boot.appsVolume.dockerArgs(),
      ...(publish ? [publishArgs(httpPort, httpsPort, bindIps)] : []),
      ...(isPresent(logMaxSize) ? ["--log-opt", `max-size=${logMaxSize}`] : []),
      ...(isPresent(metricsPort) ? [`--expose=${metricsPort}`] : []),
      ...(raw.options ? optionize(raw.options) : []),
    ],
  };
}
