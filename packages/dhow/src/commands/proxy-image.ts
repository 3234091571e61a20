/**
 * @module
 * dhow's own proxy image (`dhow-proxy`, built from the installed proxy package): its name next to the app's
 * image in the app's registry, and the commands that build, push and look it up. dhow-only: Kamal always
 * runs `basecamp/kamal-proxy`.
 */
import type { Config } from "../config/config.js";
import { shellEscape } from "./builder/clone.js";
import { type Command, docker } from "./command.js";

/** The repository name of dhow's proxy image (under the app image's registry namespace). */
export const DHOW_PROXY_REPOSITORY_NAME = "dhow-proxy";
/**
 * The tag of dhow's proxy image: `v` + the proxy package's version. It must compare >= kamal-proxy's
 * minimum (v0.9.2) as RubyGems versions do, so `kamal proxy boot` accepts it too: no prerelease suffix.
 */
export const DHOW_PROXY_IMAGE_VERSION = "v0.9.2";
/** The build argument of the proxy package's Dockerfile that chooses its Node runtime base image. */
export const DHOW_PROXY_BASE_IMAGE_ARG = "NODE_IMAGE";

/** Where dhow's proxy image lives: `registry` (undefined for Docker Hub) and `repository` under it. */
export interface DhowProxyRepository {
  readonly registry: string | undefined;
  readonly repository: string;
}

/**
 * `<registry>/<namespace>/dhow-proxy`, the namespace being the app image's (`dhh/app` → `dhh/dhow-proxy`),
 * so the proxy image sits where the deploying user may push.
 */
export function dhowProxyRepository(config: Pick<Config, "registry" | "image">): DhowProxyRepository {
  const slash = config.image.lastIndexOf("/");
  const namespace = slash > 0 ? config.image.slice(0, slash) : undefined;
  return {
    registry: config.registry.server,
    repository: [namespace, DHOW_PROXY_REPOSITORY_NAME].filter((part) => part !== undefined).join("/"),
  };
}

/** `<registry>/<namespace>/dhow-proxy:<version>` */
export function dhowProxyImage(config: Pick<Config, "registry" | "image">): string {
  const { registry, repository } = dhowProxyRepository(config);
  return `${[registry, repository].filter((part) => part !== undefined).join("/")}:${DHOW_PROXY_IMAGE_VERSION}`;
}

/** `docker build [--platform linux/<arch>] --build-arg NODE_IMAGE=<base> -t <image> --file <dockerfile> <context>` */
export function buildProxyImage(options: {
  readonly image: string;
  readonly baseImage: string;
  readonly dockerfile: string;
  readonly context: string;
  readonly arch?: string | undefined;
}): Command {
  return docker(
    "build",
    options.arch ? ["--platform", `linux/${options.arch}`] : undefined,
    "--build-arg",
    `${DHOW_PROXY_BASE_IMAGE_ARG}=${options.baseImage}`,
    "-t",
    options.image,
    "--file",
    shellEscape(options.dockerfile),
    shellEscape(options.context),
  );
}

/** `docker push <image>` */
export function pushProxyImage(image: string): Command {
  return docker("push", image);
}

/** `docker manifest inspect [--insecure] <image>`: succeeds when the registry has the image. */
export function inspectManifest(image: string, options: { readonly insecure?: boolean } = {}): Command {
  return docker("manifest", "inspect", options.insecure ? "--insecure" : undefined, image);
}
