/**
 * @module
 * `dhow accessory restart NAME`: stop, then start, under one lock.
 */
import type { DeployContext } from "../runtime/context.js";
import { accessoryStart } from "./start.js";
import { accessoryStop } from "./stop.js";
import { withLock } from "../runtime/with-lock.js";

/** Restarts the accessory's container (with the lock). */
export async function accessoryRestart(ctx: DeployContext, name: string): Promise<void> {
  await withLock(ctx, async () => {
    await accessoryStop(ctx, name);
    await accessoryStart(ctx, name);
  });
}
