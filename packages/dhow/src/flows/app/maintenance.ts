/**
 * @module
 * `dhow app maintenance [--drain-timeout N] [--message S]`: `kamal-proxy stop` for every proxied role, so
 * the proxy answers with the maintenance page (503) until `dhow app live`.
 */
import * as app from "../../commands/app.js";
import type { DeployContext } from "../runtime/context.js";
import { execute } from "../runtime/execute.js";
import { onRoles } from "../runtime/on-roles.js";
import { withLock } from "../runtime/with-lock.js";

export interface AppMaintenanceOptions {
  /** Seconds in-flight requests may take (default: the config's `drain_timeout`). */
  readonly drainTimeout?: number | undefined;
  /** Shown to clients while in maintenance. */
  readonly message?: string | undefined;
}

/** Puts the app in maintenance mode (with the lock). */
export async function appMaintenance(ctx: DeployContext, options: AppMaintenanceOptions = {}): Promise<void> {
  const stopOptions = {
    drainTimeout: options.drainTimeout ?? ctx.config.drainTimeout,
    ...(options.message === undefined ? {} : { message: options.message }),
  };
  await withLock(ctx, () =>
    onRoles(ctx, ctx.selection.proxyHosts, async (host, role) => {
      if (role.runningProxy) await execute(ctx, host, app.maintenance({ config: ctx.config, role, host }, stopOptions));
    }),
  );
}
