/**
 * @module
 * `dhow proxy remove_container` (Kamal's `Cli::Proxy#remove_container`): prunes the stopped proxy
 * container, with the lock.
 */
import * as auditor from "../../commands/auditor.js";
import * as proxy from "../../commands/proxy.js";
import type { DeployContext } from "../runtime/context.js";
import { execute, on } from "../runtime/execute.js";
import { progressOf } from "../runtime/progress.js";
import { withLock } from "../runtime/with-lock.js";

/** `proxy remove_container`: `docker container prune` by the proxy image's OCI title label. */
export async function removeProxyContainer(ctx: DeployContext): Promise<void> {
  await withLock(ctx, () =>
    on(ctx, ctx.selection.proxyHosts, (host) =>
      progressOf(ctx).track({ label: "remove proxy container", host }, async () => {
        await execute(ctx, host, auditor.record(ctx.config, "Removed proxy container", { facts: ctx.facts }));
        await execute(ctx, host, proxy.removeContainer({ config: ctx.config, host }));
      }),
    ),
  );
}
