/**
 * @module
 * `dhow app images`: the app's images (`docker image ls <repository>`) on each app host.
 */
import * as app from "../commands/app.js";
import type { DeployContext } from "./context.js";
import { on } from "./execute.js";
import { anyRoleOn, captureOutput } from "./ops-support.js";

/** Prints `docker image ls <repository>` on each app host. */
export async function appImages(ctx: DeployContext): Promise<void> {
  await on(ctx, ctx.selection.appHosts, async (host) => {
    const target = { config: ctx.config, role: anyRoleOn(ctx, host), host };
    ctx.logger.outputByHost(host, await captureOutput(ctx, host, app.listImages(target)));
  });
}
