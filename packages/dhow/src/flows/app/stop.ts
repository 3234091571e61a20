/**
 * @module
 * `dhow app stop`: for roles behind kamal-proxy, remove the role from the proxy first (when a container is
 * running), then stop the current container on each app host and role.
 */
import * as app from "../../commands/app.js";
import * as auditor from "../../commands/auditor.js";
import type { DeployContext } from "../runtime/context.js";
import { capture, execute } from "../runtime/execute.js";
import { onRoles } from "../runtime/on-roles.js";
import { progressOf } from "../runtime/progress.js";
import { withLock } from "../runtime/with-lock.js";

/** Stops the app's containers (with the lock), roles in parallel with `boot.parallel_roles`. */
export async function appStop(ctx: DeployContext): Promise<void> {
  await withLock(ctx, () =>
    onRoles(
      ctx,
      ctx.selection.appHosts,
      (host, role) =>
        progressOf(ctx).track({ label: `stop ${role.name}`, host }, async () => {
          const target = { config: ctx.config, role, host };
          await execute(
            ctx,
            host,
            auditor.record(ctx.config, "Stopped app", { facts: ctx.facts, lineDetails: { role: role.name } }),
          );
          if (role.runningProxy) {
            const version = await capture(ctx, host, app.currentRunningVersion(target), { allowFailure: true });
            const endpoint = await capture(ctx, host, app.containerIdForVersion(target, version));
            if (endpoint !== "") await execute(ctx, host, app.remove(target), { allowFailure: true });
          }
          await execute(ctx, host, app.stop(target), { allowFailure: true });
        }),
      { parallel: ctx.config.boot.parallelRoles },
    ),
  );
}
