/**
 * @module
 * `dhow proxy stop`: `docker container stop kamal-proxy` on the proxy hosts (failures ignored).
 */
import * as auditor from "../../commands/auditor.js";
import * as proxy from "../../commands/proxy.js";
import type { DeployContext } from "../runtime/context.js";
import { execute, on } from "../runtime/execute.js";
import { progressOf } from "../runtime/progress.js";
import { withLock } from "../runtime/with-lock.js";

/** Stops the proxy container (with the lock). */
export async function proxyStop(ctx: DeployContext): Promise<void> {
  await withLock(ctx, () =>
    on(ctx, ctx.selection.proxyHosts, (host) =>
      progressOf(ctx).track({ label: "stop proxy", host }, async () => {
        await execute(ctx, host, auditor.record(ctx.config, "Stopped proxy", { facts: ctx.facts }));
        await execute(ctx, host, proxy.stop({ config: ctx.config, host }), { allowFailure: true });
      }),
    ),
  );
}
