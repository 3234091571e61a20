/**
 * @module
 * `dhow prune all` (Kamal's `Cli::Prune#all`): with the lock, `prune containers` then `prune images` on
 * every selected host.
 */
import type { DeployContext } from "../runtime/context.js";
import { withLock } from "../runtime/with-lock.js";
import { pruneImages } from "./images.js";
import { pruneContainers } from "./containers.js";

/** Options of `prune containers` (and `prune all`). */
export interface PruneOptions {
  /** Stopped containers to keep (default `retain_containers`). */
  readonly retain?: number | undefined;
}

/** `prune containers` then `prune images`. */
export async function pruneAll(ctx: DeployContext, options: PruneOptions = {}): Promise<void> {
  await withLock(ctx, async () => {
    await pruneContainers(ctx, options);
    await pruneImages(ctx);
  });
}
