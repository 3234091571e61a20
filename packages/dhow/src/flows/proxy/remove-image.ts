/**
 * @module
 * `dhow proxy remove_image` (Kamal's `Cli::Proxy#remove_image`): removes the proxy image, with the lock.
 */
import * as auditor from "../../commands/auditor.js";
import * as proxy from "../../commands/proxy.js";
import type { DeployContext } from "../runtime/context.js";
import { execute, on } from "../runtime/execute.js";
import { progressOf } from "../runtime/progress.js";
import { withLock } from "../runtime/with-lock.js";

/** `proxy remove_image`: `docker image prune --all` by the proxy image's OCI title label. */
export async function removeProxyImage(ctx: DeployContext): Promise<void> {
  await withLock(ctx, () =>
    on(ctx, ctx.selection.proxyHosts, (host) =>
      progressOf(ctx).track({ label: "remove proxy image", host }, async () => {
        await execute(ctx, host, auditor.record(ctx.config, "Removed proxy image", { facts: ctx.facts }));
        await execute(ctx, host, proxy.removeImage({ config: ctx.config, host }));
      }),
    ),
  );
}
