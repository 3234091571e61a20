/**
 * @module
 * Before `setup` boots the proxy: when the proxy hosts run dhow's own proxy image and the registry does not
 * have it, build and push it (`dhow proxy build`), so a fresh setup needs no public proxy image.
 */
import type { DeployContext } from "../runtime/context.js";
import { type ProxyBuildOptions, proxyBuild, proxyImageExists, registryAccess } from "./build.js";
import { ensureLocalDocker } from "../build/ensure-local-docker.js";

/** Builds dhow's proxy image unless the registry has it (or the config runs another proxy image). */
export async function ensureProxyImage(ctx: DeployContext, options: ProxyBuildOptions = {}): Promise<void> {
  if (!ctx.selection.proxyHosts.some((host) => ctx.config.runsDhowProxy(host))) return;
  const image = ctx.config.proxyBoot.dhowImage.image;
  if (ctx.state.plan?.offline) {
    // Asking the registry is a connection too.
    ctx.state.plan.local(`build and push ${image} unless the registry has it`);
    return;
  }
  await ensureLocalDocker(ctx);
  await registryAccess(ctx);
  if (await proxyImageExists(ctx, image)) {
    ctx.logger.debug(`Proxy image ${image} is in the registry`);
    return;
  }
  ctx.logger.say(`The proxy image ${image} is not in the registry: building it...`, "magenta");
  await proxyBuild(ctx, options);
}
