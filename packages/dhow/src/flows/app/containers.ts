/**
 * @module
 * `dhow app containers`: every container of the app (any role, any state) on each app host.
 */
import { listAllContainers } from "../../commands/app-overview.js";
import type { DeployContext } from "../runtime/context.js";
import { capture, on } from "../runtime/execute.js";

/** Prints `docker container ls --all` filtered by service and destination on each app host. */
export async function appContainers(ctx: DeployContext): Promise<void> {
  await on(ctx, ctx.selection.appHosts, async (host) => {
    ctx.logger.outputByHost(host, await capture(ctx, host, listAllContainers(ctx.config)));
  });
}
