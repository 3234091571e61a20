/**
 * @module
 * `dhow proxy remove_proxy_directory` (Kamal's `Cli::Proxy#remove_proxy_directory`): deletes
 * `.kamal/proxy`, with the lock.
 */
import * as proxy from "../../commands/proxy.js";
import type { DeployContext } from "../runtime/context.js";
import { execute, on } from "../runtime/execute.js";
import { progressOf } from "../runtime/progress.js";
import { withLock } from "../runtime/with-lock.js";

/** `proxy remove_proxy_directory`: `rm -r .kamal/proxy` (a missing directory is fine). */
export async function removeProxyDirectory(ctx: DeployContext): Promise<void> {
  await withLock(ctx, () =>
    on(ctx, ctx.selection.proxyHosts, (host) =>
      progressOf(ctx).track({ label: "remove proxy directory", host }, async () => {
        await execute(ctx, host, proxy.removeProxyDirectory({ config: ctx.config, host }), { allowFailure: true });
      }),
    ),
  );
}
