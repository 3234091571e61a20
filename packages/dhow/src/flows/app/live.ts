/**
 * @module
 * `dhow app live`: `kamal-proxy resume` for every proxied role on the proxy hosts (ends maintenance mode).
 */
import * as app from "../../commands/app.js";
import type { DeployContext } from "../runtime/context.js";
import { execute } from "../runtime/execute.js";
import { onRoles } from "../runtime/on-roles.js";
import { withLock } from "../runtime/with-lock.js";

/** Puts the app back in live mode (with the lock). */
export async function appLive(ctx: DeployContext): Promise<void> {
  await withLock(ctx, () =>
    onRoles(ctx, ctx.selection.proxyHosts, async (host, role) => {
      if (role.runningProxy) await execute(ctx, host, app.live({ config: ctx.config, role, host }));
    }),
  );
}
