/**
 * @module
 * `rollback VERSION` (Kamal's `Cli::Main#rollback`): with the lock, check that a container of VERSION exists
 * for every role on every app host; if so, pre-deploy hook and boot VERSION again (its old container is
 * renamed aside and a fresh one runs from its image), then the post-deploy hook. Otherwise it says which
 * versions to look for, and changes nothing.
 */
import * as app from "../../commands/app.js";
import type { DeployContext } from "../runtime/context.js";
import { appBoot } from "../app/boot.js";
import { on } from "../runtime/execute.js";
import { captureFact } from "../runtime/gather.js";
import { withGatheredLock } from "./gather-and-pull.js";
import type { Timing } from "../runtime/timing.js";
import { printRuntime } from "../runtime/print-runtime.js";
import { runHook } from "../runtime/run-hook.js";
import { requireSecrets } from "../runtime/require-secrets.js";

export interface RollbackOptions {
  readonly timing?: Timing;
}

/** Rolls the app back to `version`; returns whether it did. */
export async function rollback(ctx: DeployContext, version: string, options: RollbackOptions = {}): Promise<boolean> {
  requireSecrets(ctx, { roles: true });
  let rolledBack = false;
  const vctx = ctx.withVersion(version);
  const runtime = await printRuntime(ctx, () =>
    withGatheredLock(vctx, { pull: false }, async () => {
      const missing = await missingContainers(vctx, version);
      if (missing.length > 0) {
        vctx.logger.say(`Error looking for container version ${version}: Container not found on ${missing.join(", ")}`);
        vctx.logger.say(
          `The app version '${version}' is not available as a container (use 'dhow app containers' for available versions)`,
          "red",
        );
        return;
      }
      await runHook(vctx, "pre-deploy");
      await appBoot(vctx, { version, ...(options.timing ? { timing: options.timing } : {}) });
      rolledBack = true;
    }),
  );
  if (rolledBack) await runHook(vctx, "post-deploy", { runtime: String(Math.round(runtime)) });
  return rolledBack;
}

/** `host (role)` for every app host and role without a container of `version`. */
async function missingContainers(ctx: DeployContext, version: string): Promise<string[]> {
  const perHost = await on(ctx, ctx.selection.appHosts, async (host) => {
    const missing: string[] = [];
    for (const role of ctx.selection.rolesOn(host)) {
      const target = { config: ctx.config, role, host };
      const id = await captureFact(ctx, host, app.containerIdForVersion(target, version));
      if (!id) missing.push(`${host} (${role.name})`);
    }
    return missing;
  });
  return perHost.flat();
}
