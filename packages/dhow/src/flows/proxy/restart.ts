/**
 * @module
 * `dhow proxy restart`: stop, then start, under one lock.
 */
import type { DeployContext } from "../runtime/context.js";
import { proxyStart } from "./start.js";
import { proxyStop } from "./stop.js";
import { withLock } from "../runtime/with-lock.js";

/** Restarts the proxy container (with the lock). */
export async function proxyRestart(ctx: DeployContext): Promise<void> {
  await withLock(ctx, async () => {
    await proxyStop(ctx);
    await proxyStart(ctx);
  });
}
