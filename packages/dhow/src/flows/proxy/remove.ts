/**
 * @module
 * `dhow proxy remove [--force]` and its hidden parts: stop kamal-proxy, prune its container and image, and
 * `rm -r .kamal/proxy`. Refused while other apps are installed on a proxy host (`ls .kamal/apps | wc -l`),
 * unless `--force`.
 */
import * as auditor from "../../commands/auditor.js";
import * as proxy from "../../commands/proxy.js";
import * as server from "../../commands/server.js";
import type { DeployContext } from "../runtime/context.js";
import { execute, on } from "../runtime/execute.js";
import { captureOutput } from "../runtime/ops-support.js";
import { proxyStop } from "./stop.js";
import { progressOf } from "../runtime/progress.js";
import { withLock } from "../runtime/with-lock.js";

/** Options of `proxyRemove`. */
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

/** Whether the proxy may go: no other app on any proxy host, or `--force` (Kamal's `removal_allowed?`). */
async function removalAllowed(ctx: DeployContext, force: boolean): Promise<boolean> {
  const counts = await on(ctx, ctx.selection.proxyHosts, async (host) =>
    Number.parseInt(await captureOutput(ctx, host, server.appDirectoryCount(ctx.config)), 10),
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
