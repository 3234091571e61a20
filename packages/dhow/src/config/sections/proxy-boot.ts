/**
 * @module
 * Where kamal-proxy keeps its state on a host, and the legacy boot defaults read from
 * `.kamal/proxy/{options,image,image_version,run_command}` when no `proxy.run` is configured.
 * Kamal's `Configuration::Proxy::Boot`.
 *
 * The default proxy image is chosen here, once per run. Kamal's is `basecamp/kamal-proxy:v0.9.2`; dhow runs
 * its own image by default (`<registry>/<namespace>/dhow-proxy:v0.9.2`, built by `dhow proxy build`), so no
 * public image is needed: it is the legacy default where Kamal has `basecamp/kamal-proxy` (the
 * `.kamal/proxy/image*` files a user set still win), and the image of a `proxy.run` that names no
 * `registry`, `repository` or `version` (`proxy-run.ts`). A `proxy.run` that names any of them runs exactly
 * Kamal's command for that image (e.g. a real kamal-proxy).
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
/** The repository name of dhow's proxy image (under the app image's registry namespace). */
export const DHOW_PROXY_REPOSITORY_NAME = "dhow-proxy";
/**
 * The tag of dhow's proxy image: `v` + the proxy package's version. It must compare >= kamal-proxy's
 * minimum (v0.9.2) as RubyGems versions do, so `kamal proxy boot` accepts it too: no prerelease suffix.
 */
export const DHOW_PROXY_IMAGE_VERSION = "v0.9.2";

/** Which proxy image runs by default: dhow's own, or Kamal's `basecamp/kamal-proxy` (to compare with Kamal). */
export type ProxyImageChoice = "dhow" | "kamal";

/** A proxy image: `[registry/]repository:version`. */
export interface ProxyImage {
  readonly registry: string | undefined;
  readonly repository: string;
  readonly version: string;
  /** `[registry/]repository:version` */
  readonly image: string;
}

/** What names the proxy images: the app's registry server and image, and the default image chosen. */
export interface ProxyImageContext {
  readonly registryServer: string | undefined;
  /** The app image without registry (`dhh/app`): dhow's proxy image goes in the same namespace. */
  readonly appImage: string;
  readonly choice: ProxyImageChoice;
}

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
  /** The default proxy image without its tag: dhow's (`ghcr.io/dhh/dhow-proxy`) or Kamal's (`basecamp/kamal-proxy`). */
  readonly imageDefault: string;
  /** The default proxy image's tag (v0.9.2, the lowest kamal-proxy version Kamal accepts). */
  readonly minimumVersion: string;
  /** dhow's own proxy image, `<registry>/<namespace>/dhow-proxy:v0.9.2` (what `dhow proxy build` builds). */
  readonly dhowImage: ProxyImage;
  /** Whether the default proxy image is dhow's own. */
  readonly dhowImageByDefault: boolean;
}

/** The proxy paths for a run directory and `service[-destination]`, and the default proxy image. */
export function createProxyBoot(
  runDirectory: string,
  serviceAndDestination: string,
  images: ProxyImageContext,
): ProxyBoot {
  const hostDirectory = fileJoin(runDirectory, "proxy");
  const appsDirectory = fileJoin(hostDirectory, "apps-config");
  const appDirectory = fileJoin(appsDirectory, serviceAndDestination);
  const appContainerDirectory = fileJoin(PROXY_APPS_CONTAINER_DIRECTORY, serviceAndDestination);
  const dhowImage = dhowProxyImage(images.registryServer, images.appImage);
  const dhowImageByDefault = images.choice === "dhow";
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
    imageDefault: dhowImageByDefault
      ? [dhowImage.registry, dhowImage.repository].filter((part) => part !== undefined).join("/")
      : DEFAULT_PROXY_REPOSITORY,
    minimumVersion: dhowImageByDefault ? dhowImage.version : PROXY_MINIMUM_VERSION,
    dhowImage,
    dhowImageByDefault,
  };
}

/**
 * dhow's proxy image: `<registry>/<namespace>/dhow-proxy:<version>`, the namespace being the app image's
 * (`dhh/app` → `dhh/dhow-proxy`), so the proxy image sits where the deploying user may push.
 */
export function dhowProxyImage(registryServer: string | undefined, appImage: string): ProxyImage {
  const slash = appImage.lastIndexOf("/");
  const namespace = slash > 0 ? appImage.slice(0, slash) : undefined;
  const repository = [namespace, DHOW_PROXY_REPOSITORY_NAME].filter((part) => part !== undefined).join("/");
  return {
    registry: registryServer,
    repository,
    version: DHOW_PROXY_IMAGE_VERSION,
    image: `${[registryServer, repository].filter((part) => part !== undefined).join("/")}:${DHOW_PROXY_IMAGE_VERSION}`,
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
