/**
 * @module
 * `dhow proxy start`: `docker container start kamal-proxy` on the proxy hosts.
 */
import * as auditor from "../../commands/auditor.js";
import * as proxy from "../../commands/proxy.js";
import type { DeployContext } from "../runtime/context.js";
import { execute, on } from "../runtime/execute.js";
import { progressOf } from "../runtime/progress.js";
import { withLock } from "../runtime/with-lock.js";

/** Starts the existing proxy container (with the lock). */
export async function proxyStart(ctx: DeployContext): Promise<void> {
  await withLock(ctx, () =>
    on(ctx, ctx.selection.proxyHosts, (host) =>
      progressOf(ctx).track({ label: "start proxy", host }, async () => {
        await execute(ctx, host, auditor.record(ctx.config, "Started proxy", { facts: ctx.facts }));
        await execute(ctx, host, proxy.start({ config: ctx.config, host }));
      }),
    ),
  );
}
