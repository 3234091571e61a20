/**
 * @module
 * `dhow proxy restart`: stop, then start, under one lock.
 */
import type { DeployContext } from "./context.js";
import { proxyStart } from "./proxy-start.js";
import { proxyStop } from "./proxy-stop.js";
import { withLock } from "./with-lock.js";

/** Restarts the proxy container (with the lock). */
export async function proxyRestart(ctx: DeployContext): Promise<void> {
  await withLock(ctx, async () => {
    await proxyStop(ctx);
    await proxyStart(ctx);
  });
}
