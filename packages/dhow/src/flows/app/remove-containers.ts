/**
 * @module
 * `dhow app remove_containers` (Kamal's `Cli::App#remove_containers`): prunes every stopped app container
 * per host and role, with the lock.
 */
import * as app from "../../commands/app.js";
import * as auditor from "../../commands/auditor.js";
import type { DeployContext } from "../runtime/context.js";
import { execute } from "../runtime/execute.js";
import { onRoles } from "../runtime/on-roles.js";
import { progressOf } from "../runtime/progress.js";
import { withLock } from "../runtime/with-lock.js";

/** `app remove_containers`: `docker container prune` of every app container per host and role. */
export async function removeAppContainers(ctx: DeployContext): Promise<void> {
  await withLock(ctx, () =>
    onRoles(ctx, ctx.selection.appHosts, (host, role) =>
      progressOf(ctx).track({ label: `remove ${role.name} containers`, host }, async () => {
        await execute(
          ctx,
          host,
          auditor.record(ctx.config, "Removed all app containers", {
            facts: ctx.facts,
            lineDetails: { role: role.name },
          }),
        );
        await execute(ctx, host, app.removeContainers({ config: ctx.config, role, host }));
      }),
    ),
  );
}
