/**
 * @module
 * `dhow app start`: `docker start` the current version's container on each app host and role; for roles
 * behind kamal-proxy, register the running container with the proxy again.
 */
import * as app from "../../commands/app.js";
import * as auditor from "../../commands/auditor.js";
import { BootError } from "../../errors.js";
import type { DeployContext } from "../runtime/context.js";
import { capture, execute } from "../runtime/execute.js";
import { plannedValue } from "../runtime/planned-value.js";
import { onRoles } from "../runtime/on-roles.js";
import { progressOf } from "../runtime/progress.js";
import { withLock } from "../runtime/with-lock.js";

/** Starts the app's containers (with the lock), roles in parallel with `boot.parallel_roles`. */
export async function appStart(ctx: DeployContext): Promise<void> {
  await withLock(ctx, () =>
    onRoles(
      ctx,
      ctx.selection.appHosts,
      (host, role) =>
        progressOf(ctx).track({ label: `start ${role.name}`, host }, async () => {
          const target = { config: ctx.config, role, host };
          await execute(
            ctx,
            host,
            auditor.record(ctx.config, `Started app version ${ctx.config.version}`, { facts: ctx.facts }),
          );
          await execute(ctx, host, app.start(target), { allowFailure: true });
          if (!role.runningProxy) return;
          const version = await capture(ctx, host, app.currentRunningVersion(target), { allowFailure: true });
          const endpoint = plannedValue(
            ctx,
            await capture(ctx, host, app.containerIdForVersion(target, version)),
            `ID of the ${role.name} container started above`,
          );
          if (endpoint === "") {
            throw new BootError(`Failed to get endpoint for ${role.name} on ${host}, did the container boot?`);
          }
          await execute(ctx, host, app.deploy(target, { target: endpoint }));
        }),
      { parallel: ctx.config.boot.parallelRoles },
    ),
  );
}
