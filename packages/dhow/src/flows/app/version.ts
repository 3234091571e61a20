/**
 * @module
 * `dhow app version`: the version of the running container on each app host (first selected role there).
 */
import * as app from "../../commands/app.js";
import type { DeployContext } from "../runtime/context.js";
import { capture, on } from "../runtime/execute.js";
import { anyRoleOn } from "../runtime/on-roles.js";

/** Prints the currently running version per app host. */
export async function appVersion(ctx: DeployContext): Promise<void> {
  await on(ctx, ctx.selection.appHosts, async (host) => {
    const target = { config: ctx.config, role: anyRoleOn(ctx, host), host };
    ctx.logger.outputByHost(host, await capture(ctx, host, app.currentRunningVersion(target)));
  });
}
