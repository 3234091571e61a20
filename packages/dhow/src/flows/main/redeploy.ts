/**
 * @module
 * `redeploy` (Kamal's `Cli::Main#redeploy`): deploy without the proxy boot, accessories and prune: build
 * (or pull), then with the lock: pre-deploy hook, stop stale containers, boot; then the post-deploy hook.
 * dhow only: the boot first boots the `depends_on` dependencies that are missing and waits for them.
 */
import { appBoot } from "../app/boot.js";
import { staleContainers } from "../app/stale-containers.js";
import type { DeployContext } from "../runtime/context.js";
import { buildForDeploy, type DeployOptions } from "./deploy.js";
import { withGatheredLock } from "./gather-and-pull.js";
import { printRuntime } from "../runtime/print-runtime.js";
import { runHook } from "../runtime/run-hook.js";
import { requireSecrets } from "../runtime/require-secrets.js";

/** Builds (or pulls) and boots the new version, leaving the proxy, accessories and old images alone. */
export async function redeploy(ctx: DeployContext, options: DeployOptions = {}): Promise<void> {
  requireSecrets(ctx, { registry: true, builder: !options.skipPush, roles: true });
  const runtime = await printRuntime(ctx, async () => {
    await buildForDeploy(ctx, options);
    await withGatheredLock(ctx, { pull: true }, async () => {
      await runHook(ctx, "pre-deploy");
      ctx.logger.say("Detect stale containers...", "magenta");
      await staleContainers(ctx, { stop: true });
      await appBoot(ctx, { version: ctx.config.version, ...(options.timing ? { timing: options.timing } : {}) });
    });
  });
  await runHook(ctx, "post-deploy", { runtime: String(Math.round(runtime)) });
}
