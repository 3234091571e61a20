/**
 * @module
 * Where kamal-proxy keeps its state on a host, and the legacy boot defaults read from
 * `.kamal/proxy/{options,image,image_version,run_command}` when no `proxy.run` is configured.
 * Kamal's `Configuration::Proxy::Boot`.
 */
import { PROXY_CONTAINER_NAME } from "../../constants.js";
import { fileJoin } from "../../ruby.js";
import { createVolume, type Volume } from "./volume.js";

/** The lowest kamal-proxy version Kamal 2.12 runs with (and the default image tag). */
export const PROXY_MINIMUM_VERSION = "v0.9.2";
export const DEFAULT_PROXY_HTTP_PORT = 80;
export const DEFAULT_PROXY_HTTPS_PORT = 443;
export const DEFAULT_PROXY_LOG_MAX_SIZE = "10m";
/** The proxy image without a tag (`basecamp/kamal-proxy`). */
export const DEFAULT_PROXY_REPOSITORY = "basecamp/kamal-proxy";
/** Where the apps-config directory is mounted inside the proxy container. */
export const PROXY_APPS_CONTAINER_DIRECTORY = "/home/kamal-proxy/.apps-config";

/** Paths and legacy defaults of the proxy on a host, for one service (and destination). */
export interface ProxyBoot {
  readonly containerName: string;
  readonly hostDirectory: string;
  readonly optionsFile: string;
  readonly imageFile: string;
  readonly imageVersionFile: string;
  readonly runCommandFile: string;
  readonly appsDirectory: string;
  readonly appsContainerDirectory: string;
  readonly appsVolume: Volume;
  /** `.kamal/proxy/apps-config/<service[-dest]>` */
  readonly appDirectory: string;
  readonly appContainerDirectory: string;
  readonly errorPagesDirectory: string;
  readonly errorPagesContainerDirectory: string;
  readonly tlsDirectory: string;
  readonly tlsContainerDirectory: string;
  /** `--publish 80:80 --publish 443:443 --log-opt max-size=10m`, as tokens. */
  readonly defaultBootOptions: readonly string[];
  /** `basecamp/kamal-proxy` */
  readonly imageDefault: string;
  /** The default (and lowest supported) proxy image tag. */
  readonly minimumVersion: string;
}

/** The proxy paths for a run directory and `service[-destination]`. */
export function createProxyBoot(runDirectory: string, serviceAndDestination: string): ProxyBoot {
  const hostDirectory = fileJoin(runDirectory, "proxy");
  const appsDirectory = fileJoin(hostDirectory, "apps-config");
  const appDirectory = fileJoin(appsDirectory, serviceAndDestination);
  const appContainerDirectory = fileJoin(PROXY_APPS_CONTAINER_DIRECTORY, serviceAndDestination);
  return {
    containerName: PROXY_CONTAINER_NAME,
    hostDirectory,
    optionsFile: fileJoin(hostDirectory, "options"),
    imageFile: fileJoin(hostDirectory, "image"),
    imageVersionFile: fileJoin(hostDirectory, "image_version"),
    runCommandFile: fileJoin(hostDirectory, "run_command"),
    appsDirectory,
    appsContainerDirectory: PROXY_APPS_CONTAINER_DIRECTORY,
    appsVolume: createVolume(appsDirectory, PROXY_APPS_CONTAINER_DIRECTORY),
    appDirectory,
    appContainerDirectory,
    errorPagesDirectory: fileJoin(appDirectory, "error_pages"),
    errorPagesContainerDirectory: fileJoin(appContainerDirectory, "error_pages"),
    tlsDirectory: fileJoin(appDirectory, "tls"),
    tlsContainerDirectory: fileJoin(appContainerDirectory, "tls"),
    defaultBootOptions: [
      publishArgs(DEFAULT_PROXY_HTTP_PORT, DEFAULT_PROXY_HTTPS_PORT, undefined),
      "--log-opt",
      `max-size=${DEFAULT_PROXY_LOG_MAX_SIZE}`,
    ],
    imageDefault: DEFAULT_PROXY_REPOSITORY,
    minimumVersion: PROXY_MINIMUM_VERSION,
  };
}

/**
 * `--publish [ip:]http:80 --publish [ip:]https:443` for each bind IP, as one string (Kamal joins the
 * pairs into a single token). IPv6 addresses are wrapped in `[]`.
 */
export function publishArgs(
  httpPort: number | string,
  httpsPort: number | string,
  bindIps: readonly string[] | undefined,
): string {
  return (bindIps ?? [undefined])
    .map((ip) => {
      const bind = ip === undefined ? undefined : formatBindIp(ip);
      const http = [bind, httpPort, DEFAULT_PROXY_HTTP_PORT].filter((part) => part !== undefined).join(":");
      const https = [bind, httpsPort, DEFAULT_PROXY_HTTPS_PORT].filter((part) => part !== undefined).join(":");
      return `--publish ${http} --publish ${https}`;
    })
    .join(" ");
}

function formatBindIp(ip: string): string {
  const isIpv6 = ip.includes(":") && !/^\[.*\]$/.test(ip);
  return isIpv6 ? `[${ip}]` : ip;
}
