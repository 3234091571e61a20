/**
 * @module
 * `dhow proxy remove [--force]` (Kamal's `Cli::Proxy#remove`): stop kamal-proxy, then remove_container,
 * remove_image and remove_proxy_directory. Refused while other apps are installed on a proxy host
 * (`ls .kamal/apps | wc -l`), unless `--force`.
 */
import * as server from "../../commands/server.js";
import type { DeployContext } from "../runtime/context.js";
import { capture, on } from "../runtime/execute.js";
import { proxyStop } from "./stop.js";
import { withLock } from "../runtime/with-lock.js";
import { removeProxyDirectory } from "./remove-proxy-directory.js";
import { removeProxyImage } from "./remove-image.js";
import { removeProxyContainer } from "./remove-container.js";

export interface ProxyRemoveOptions {
  /** Remove the proxy even though other apps are installed. */
  readonly force?: boolean | undefined;
}

/** Removes the proxy container, image and directory (with the lock), if no other app needs it. */
export async function proxyRemove(ctx: DeployContext, options: ProxyRemoveOptions = {}): Promise<void> {
  await withLock(ctx, async () => {
    if (!(await removalAllowed(ctx, Boolean(options.force)))) return;
    await proxyStop(ctx);
    await removeProxyContainer(ctx);
    await removeProxyImage(ctx);
    await removeProxyDirectory(ctx);
  });
}

/** Whether the proxy may go: no other app on any proxy host, or `--force` (Kamal's `removal_allowed?`). */
async function removalAllowed(ctx: DeployContext, force: boolean): Promise<boolean> {
  const counts = await on(ctx, ctx.selection.proxyHosts, async (host) =>
    Number.parseInt(await capture(ctx, host, server.appDirectoryCount(ctx.config)), 10),
  );
  if (!counts.some((count) => count > 0)) return true;
  if (force) ctx.logger.say("Forcing, so removing the proxy, even though other apps are installed", "magenta");
  else {
    ctx.logger.say(
      "Not removing the proxy, as other apps are installed, ignore this check with dhow proxy remove --force",
      "magenta",
    );
  }
  return force;
}
