/**
 * @module
 * `setup` (Kamal's `Cli::Main#setup`): take the lock first, install docker where missing (`server
 * bootstrap`), make sure dhow's proxy image is in the registry (dhow-only), then deploy with every accessory
 * booted between the proxy and the app.
 */
import type { DeployContext } from "../runtime/context.js";
import { type DeployOptions, deploy } from "./deploy.js";
import { ensureProxyImage } from "../proxy/ensure-image.js";
import { printRuntime } from "../runtime/print-runtime.js";
import type { ProxyBuildOptions } from "../proxy/build.js";
import { serverBootstrap } from "../server/bootstrap.js";
import { withLock } from "../runtime/with-lock.js";
import { gatherAndPull } from "./gather-and-pull.js";
import * as dockerCommands from "../../commands/docker.js";
import { requireSecrets } from "../runtime/require-secrets.js";

export interface SetupOptions extends DeployOptions {
  /** How to build dhow's proxy image when the registry lacks it. */
  readonly proxyBuild?: ProxyBuildOptions;
  /** Skip the proxy image check (tests, or a proxy image managed elsewhere). */
  readonly skipProxyImage?: boolean;
}

/** Bootstraps the servers and deploys, accessories included. */
export async function setup(ctx: DeployContext, options: SetupOptions = {}): Promise<void> {
  requireSecrets(ctx, { registry: true, builder: !options.skipPush, roles: true, accessory: "all" });
  await printRuntime(ctx, () =>
    withLock(
      ctx,
      async () => {
        ctx.logger.say("Ensure Docker is installed...", "magenta");
        await serverBootstrap(ctx);
        if (!options.skipProxyImage) await ensureProxyImage(ctx, options.proxyBuild);
        await deploy(ctx, { ...options, bootAccessories: true });
      },
      // One script per host takes the lock and checks for docker (the deploy gathers again after the build).
      {
        acquire: () =>
          gatherAndPull(ctx, { lock: true, pull: false, extraQueries: () => [dockerCommands.installed()] }),
      },
    ),
  );
}
