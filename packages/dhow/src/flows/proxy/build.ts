/**
 * @module
 * `dhow proxy build`: build dhow's proxy image from the installed proxy package (`dhow-proxy`, its
 * Dockerfile) and push it to the app's registry as `<registry>/<namespace>/dhow-proxy:v0.9.2`, the image
 * `proxy boot` runs unless `proxy.run` chooses another. `setup` runs it when the registry lacks the image.
 * The base image (a Node 20 runtime) is `--base-image`, else $DHOW_PROXY_BASE_IMAGE, else the sandbox's
 * $DHOW_SANDBOX_NODE_IMAGE, else `node:20-slim`.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import * as registry from "../../commands/registry.js";
import { buildProxyImage, inspectManifest, pushProxyImage } from "../../commands/proxy-image.js";
import { MissingToolError } from "../../errors.js";
import { PLAIN_BUILD_ENV, showBuildOutput } from "../build/push.js";
import type { DeployContext } from "../runtime/context.js";
import { ensureLocalDocker } from "../build/ensure-local-docker.js";
import { executeLocal } from "../runtime/execute-local.js";
import { progressOf } from "../runtime/progress.js";

/** The proxy image's base image when none is chosen. */
export const DEFAULT_PROXY_BASE_IMAGE = "node:20-slim";
/** Environment variables that choose the base image, in order of precedence. */
export const PROXY_BASE_IMAGE_ENV = ["DHOW_PROXY_BASE_IMAGE", "DHOW_SANDBOX_NODE_IMAGE"] as const;
/** Environment variable naming the proxy package directory (else it is resolved as the `dhow-proxy` package). */
export const PROXY_PACKAGE_DIR_ENV = "DHOW_PROXY_PACKAGE_DIR";

/** Options of `proxy build`. */
export interface ProxyBuildOptions {
  readonly baseImage?: string | undefined;
  /** The proxy package directory (default: see `locateProxyPackage`). */
  readonly packageDir?: string | undefined;
}

/** Builds and pushes dhow's proxy image; returns its name. */
export async function proxyBuild(ctx: DeployContext, options: ProxyBuildOptions = {}): Promise<string> {
  const { buildx } = await ensureLocalDocker(ctx);
  await registryAccess(ctx);
  const image = ctx.config.proxyBoot.dhowImage.image;
  const packageDir = options.packageDir ?? locateProxyPackage(ctx);
  const baseImage = proxyBaseImage(ctx, options.baseImage);
  if (ctx.state.plan) {
    ctx.state.plan.local(`build and push ${image} from ${packageDir} (base ${baseImage})`);
    return image;
  }
  ctx.logger.say(`Building the proxy image ${image} from ${packageDir} (base ${baseImage})...`, "magenta");

  const stage = join(packageDir, "dist", "scripts", "docker-context.js");
  const staged = await ctx.local.run(process.execPath, [stage], { cwd: packageDir, env: ctx.env });
  if (staged.exitCode !== 0) {
    throw new MissingToolError(
      `Could not stage the proxy's dependencies (${stage}): ${`${staged.stderr}${staged.stdout}`.trim()}`,
    );
  }
  const build = buildProxyImage({
    image,
    baseImage,
    dockerfile: join(packageDir, "Dockerfile"),
    context: packageDir,
    arch: ctx.config.builder.arches[0],
  });
  const built = await progressOf(ctx).track({ label: `build ${image}` }, () =>
    executeLocal(ctx, build, buildx ? {} : { env: PLAIN_BUILD_ENV }),
  );
  showBuildOutput(ctx, built);
  const pushed = await progressOf(ctx).track({ label: `push ${image}` }, () =>
    executeLocal(ctx, pushProxyImage(image)),
  );
  showBuildOutput(ctx, pushed);
  return image;
}

/**
 * Whether the registry has `image` (`docker manifest inspect`). docker's manifest client does not read the
 * daemon's insecure-registries list, so a failure is retried with `--insecure` (plain HTTP allowed): this
 * only reads whether the image exists.
 */
export async function proxyImageExists(ctx: DeployContext, image: string): Promise<boolean> {
  for (const insecure of [false, true]) {
    const result = await executeLocal(ctx, inspectManifest(image, { insecure }), {
      allowFailure: true,
      readOnly: true,
    });
    if (result.exitCode === 0) return true;
    ctx.logger.debug(`  ${image}: ${`${result.stderr}${result.stdout}`.trim()}`);
  }
  return false;
}

/** Logs in to the registry locally, or starts the local registry (needed to look up and push images). */
export async function registryAccess(ctx: DeployContext): Promise<void> {
  const { config } = ctx;
  const local = LOGGED_IN.get(ctx.state);
  if (local) return;
  await executeLocal(ctx, config.registry.local ? registry.setup(config) : registry.login(config));
  LOGGED_IN.set(ctx.state, true);
}

/** The base image: the option, else the environment, else `node:20-slim`. */
export function proxyBaseImage(ctx: Pick<DeployContext, "env">, option?: string): string {
  if (option) return option;
  for (const name of PROXY_BASE_IMAGE_ENV) {
    const value = ctx.env[name];
    if (value) return value;
  }
  return DEFAULT_PROXY_BASE_IMAGE;
}

/**
 * The built proxy package: $DHOW_PROXY_PACKAGE_DIR, else the `dhow-proxy` package as Node resolves it from
 * dhow's own location. It must have been built (`dist/`).
 */
export function locateProxyPackage(ctx: Pick<DeployContext, "env" | "cwd">): string {
  const fromEnv = ctx.env[PROXY_PACKAGE_DIR_ENV];
  let dir: string | undefined = fromEnv ? resolve(ctx.cwd, fromEnv) : undefined;
  if (!dir) {
    try {
      dir = dirname(createRequire(import.meta.url).resolve("dhow-proxy/package.json"));
    } catch {
      throw new MissingToolError(
        `dhow's proxy package (dhow-proxy) is not installed next to dhow; install it or set ${PROXY_PACKAGE_DIR_ENV}`,
      );
    }
  }
  if (!existsSync(join(dir, "Dockerfile"))) throw new MissingToolError(`No Dockerfile in the proxy package at ${dir}`);
  if (!existsSync(join(dir, "dist", "bin", "dhow-proxy.js"))) {
    throw new MissingToolError(`The proxy package at ${dir} is not built: run \`npm run build\` there first`);
  }
  return dir;
}

const LOGGED_IN = new WeakMap<object, boolean>();
