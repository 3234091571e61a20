/**
 * @module
 * `dhow app details`: `docker ps` of the app's containers, per host and role.
 */
import * as app from "../../commands/app.js";
import type { DeployContext } from "../runtime/context.js";
import { captureOutput } from "../runtime/print-by-host.js";
import { onRoles } from "../runtime/on-roles.js";

/** Prints `docker ps` filtered by the app's labels for every selected role on each app host. */
export async function appDetails(ctx: DeployContext): Promise<void> {
  await onRoles(ctx, ctx.selection.appHosts, async (host, role) => {
    ctx.logger.outputByHost(host, await captureOutput(ctx, host, app.info({ config: ctx.config, role, host })));
  });
}
