/**
 * @module
 * `deploy` (Kamal's `Cli::Main#deploy`): build and push the image (or only pull it with `--skip-push`),
 * then with the lock: pre-deploy hook, proxy boot, (setup only: every accessory), (dhow only: report or
 * reboot accessories whose config changed), stop stale containers, boot the new version (dhow only: after
 * the dependencies it declares with `depends_on`, booted where missing), prune; then, after the lock is released, the post-deploy hook with KAMAL_RUNTIME.
 */
import { bootAccessory } from "../accessory/boot.js";
import { accessoryDrift, reportDrift } from "../accessory/drift.js";
import { accessoryRebootChanged } from "../accessory/reboot.js";
import { appBoot } from "../app/boot.js";
import { staleContainers } from "../app/stale-containers.js";
import { buildPush } from "../build/push.js";
import { withGatheredLock } from "./gather-and-pull.js";
import type { GatheredBuildFacts } from "../../remote/build-facts.js";
import type { DeployContext } from "../runtime/context.js";
import type { Timing } from "../runtime/timing.js";
import { printRuntime } from "../runtime/print-runtime.js";
import { proxyBoot } from "../proxy/boot.js";
import { pruneAll } from "../prune/all.js";
import { preConnect } from "../runtime/pre-connect.js";
import { runHook } from "../runtime/run-hook.js";
import { requireSecrets } from "../runtime/require-secrets.js";

/** Options of deploy and redeploy. */
export interface DeployOptions {
  /** `-P/--skip-push`: pull the already pushed image instead of building. */
  readonly skipPush?: boolean;
  /** `--no-cache`: build without docker's build cache. */
  readonly noCache?: boolean;
  /** Boot every accessory after the proxy (what `setup` does). */
  readonly bootAccessories?: boolean;
  /** dhow only (`--reboot-changed-accessories`): reboot the accessories whose config changed since boot. */
  readonly rebootChangedAccessories?: boolean;
  /** Test seams. */
  readonly facts?: GatheredBuildFacts;
  readonly timing?: Timing;
}

/** Builds (or pulls), then boots the new version behind the proxy and prunes old ones. */
export async function deploy(ctx: DeployContext, options: DeployOptions = {}): Promise<void> {
  requireSecrets(ctx, {
    registry: true,
    builder: !options.skipPush,
    roles: true,
    ...(options.bootAccessories || options.rebootChangedAccessories ? { accessory: "all" } : {}),
  });
  const runtime = await printRuntime(ctx, async () => {
    await buildForDeploy(ctx, options);
    // One script per host takes the lock, gathers and pulls (gather-and-pull.ts); what follows rides in
    // each host's boot script and its clean-up script.
    await withGatheredLock(ctx, { pull: true }, async () => {
      await runHook(ctx, "pre-deploy");
      ctx.logger.say("Ensure kamal-proxy is running...", "magenta");
      await proxyBoot(ctx);
      if (options.bootAccessories) {
        await bootAccessory(ctx, "all", options.timing ? { timing: options.timing } : {});
      }
      if (options.rebootChangedAccessories) {
        await accessoryRebootChanged(ctx, options.timing ? { timing: options.timing } : {});
      } else {
        reportDrift(ctx, await accessoryDrift(ctx), false);
      }
      ctx.logger.say("Detect stale containers...", "magenta");
      await staleContainers(ctx, { stop: true });
      await appBoot(ctx, { version: ctx.config.version, ...(options.timing ? { timing: options.timing } : {}) });
      ctx.logger.say("Prune old containers and images...", "magenta");
      await pruneAll(ctx);
    });
  });
  await runHook(ctx, "post-deploy", { runtime: String(Math.round(runtime)) });
}

/**
 * `build push` (the pull is part of the deploy's first script: gather-and-pull.ts), or nothing but the
 * announcement with `--skip-push`.
 */
export async function buildForDeploy(ctx: DeployContext, options: DeployOptions): Promise<void> {
  if (options.skipPush) {
    ctx.logger.say("Pull app image...", "magenta");
    return;
  }
  ctx.logger.say("Build and push app image...", "magenta");
  requireSecrets(ctx, { registry: true, builder: true });
  if (!ctx.state.plan) {
    // The SSH handshakes (over a second each at 100 ms RTT) happen while the image builds and pushes; the
    // pre-connect hook runs first, as it does before any connection.
    await preConnect(ctx);
    ctx.executor.warm?.(ctx.selection.hosts);
  }
  await buildPush(ctx, {
    noCache: Boolean(options.noCache),
    ...(options.facts ? { facts: options.facts } : {}),
  });
}
