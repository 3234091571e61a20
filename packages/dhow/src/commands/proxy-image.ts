/**
 * @module
 * dhow's own proxy image (`dhow-proxy`, built from the installed proxy package; its name is
 * `Config.proxyBoot.dhowImage`): the commands that build, push and look it up. dhow-only: Kamal always runs
 * `basecamp/kamal-proxy`.
 */
import { shellEscape } from "./builder/clone.js";
import { type Command, docker } from "./command.js";

/** The build argument of the proxy package's Dockerfile that chooses its Node runtime base image. */
export const DHOW_PROXY_BASE_IMAGE_ARG = "NODE_IMAGE";

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
