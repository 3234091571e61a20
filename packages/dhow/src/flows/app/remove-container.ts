/**
 * @module
 * `dhow app remove_container VERSION` (Kamal's `Cli::App#remove_container`): removes one version's
 * container per host and role, with the lock.
 */
import * as app from "../../commands/app.js";
import * as auditor from "../../commands/auditor.js";
import type { DeployContext } from "../runtime/context.js";
import { execute } from "../runtime/execute.js";
import { onRoles } from "../runtime/on-roles.js";
import { progressOf } from "../runtime/progress.js";
import { withLock } from "../runtime/with-lock.js";

/** `app remove_container VERSION`: removes one version's container per host and role. */
export async function removeAppContainer(ctx: DeployContext, version: string): Promise<void> {
  await withLock(ctx, () =>
    onRoles(ctx, ctx.selection.appHosts, (host, role) =>
      progressOf(ctx).track({ label: `remove ${role.name} container ${version}`, host }, async () => {
        await execute(
          ctx,
          host,
          auditor.record(ctx.config, `Removed app container with version ${version}`, {
            facts: ctx.facts,
            lineDetails: { role: role.name },
          }),
        );
        await execute(ctx, host, app.removeContainer({ config: ctx.config, role, host }, { version }));
      }),
    ),
  );
}
