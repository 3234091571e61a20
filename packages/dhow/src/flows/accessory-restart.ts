/**
 * @module
 * `dhow accessory restart NAME`: stop, then start, under one lock.
 */
import type { DeployContext } from "./context.js";
import { accessoryStart } from "./accessory-start.js";
import { accessoryStop } from "./accessory-stop.js";
import { withLock } from "./with-lock.js";

/** Restarts the accessory's container (with the lock). */
export async function accessoryRestart(ctx: DeployContext, name: string): Promise<void> {
  await withLock(ctx, async () => {
    await accessoryStop(ctx, name);
    await accessoryStart(ctx, name);
  });
}
