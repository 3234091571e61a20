/**
 * @module
 * `dhow proxy details`: `docker ps --filter 'name=^kamal-proxy$'` on the proxy hosts, under `Proxy Host:`.
 */
import * as proxy from "../../commands/proxy.js";
import type { DeployContext } from "../runtime/context.js";
import { capture, on } from "../runtime/execute.js";

/** Prints the proxy container's details per proxy host. */
export async function proxyDetails(ctx: DeployContext): Promise<void> {
  await on(ctx, ctx.selection.proxyHosts, async (host) => {
    ctx.logger.outputByHost(host, await capture(ctx, host, proxy.info({ config: ctx.config, host })), "Proxy");
  });
}
