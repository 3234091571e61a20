/**
 * @module
 * `dhow proxy details`: `docker ps --filter 'name=^kamal-proxy$'` on the proxy hosts, under `Proxy Host:`.
 */
import * as proxy from "../../commands/proxy.js";
import type { DeployContext } from "../runtime/context.js";
import { on } from "../runtime/execute.js";
import { captureOutput } from "../runtime/print-by-host.js";

/** Prints the proxy container's details per proxy host. */
export async function proxyDetails(ctx: DeployContext): Promise<void> {
  await on(ctx, ctx.selection.proxyHosts, async (host) => {
    ctx.logger.outputByHost(
      host,
      await captureOutput(ctx, host, proxy.info({ config: ctx.config, host }), { readOnly: true }),
      "Proxy",
    );
  });
}
