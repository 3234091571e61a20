/**
 * @module
 * `dhow app images`: the app's images (`docker image ls <repository>`) on each app host.
 */
import * as app from "../../commands/app.js";
import type { DeployContext } from "../runtime/context.js";
import { capture, on } from "../runtime/execute.js";
import { anyRoleOn } from "../runtime/on-roles.js";

/** Prints `docker image ls <repository>` on each app host. */
export async function appImages(ctx: DeployContext): Promise<void> {
  await on(ctx, ctx.selection.appHosts, async (host) => {
    const target = { config: ctx.config, role: anyRoleOn(ctx, host), host };
    ctx.logger.outputByHost(host, await capture(ctx, host, app.listImages(target)));
  });
}
