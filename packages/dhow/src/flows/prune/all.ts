/**
 * @module
 * `prune all|images|containers` (Kamal's `Cli::Prune`): with the lock, on every selected host, remove
 * stopped app containers beyond the newest `retain_containers`, then dangling images and tagged images no
 * container uses (the latest tag is kept). Each host's steps go as one remote script.
 */
import * as auditor from "../../commands/auditor.js";
import * as prune from "../../commands/prune.js";
import { UsageError } from "../../errors.js";
import type { DeployContext } from "../runtime/context.js";
import { executeScript, on } from "../runtime/execute.js";
import { progressOf } from "../runtime/progress.js";
import { withLock } from "../runtime/with-lock.js";

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

/** Removes dangling images and tagged images no container uses. */
export async function pruneImages(ctx: DeployContext): Promise<void> {
  const { config } = ctx;
  await withLock(ctx, () =>
    on(ctx, ctx.selection.hosts, (host) =>
      progressOf(ctx).track({ label: "prune images", host }, () =>
        executeScript(ctx, host, [
          { command: auditor.record(config, "Pruned images", { facts: ctx.facts }) },
          { command: prune.danglingImages(config) },
          { command: prune.taggedImages(config) },
        ]),
      ),
    ),
  );
}

/** Removes stopped app containers beyond the newest `retain`. */
export async function pruneContainers(ctx: DeployContext, options: PruneOptions = {}): Promise<void> {
  const { config } = ctx;
  const retain = options.retain ?? config.retainContainers;
  if (!Number.isInteger(retain) || retain < 1) throw new UsageError("retain must be at least 1");
  await withLock(ctx, () =>
    on(ctx, ctx.selection.hosts, (host) =>
      progressOf(ctx).track({ label: "prune containers", host }, () =>
        executeScript(ctx, host, [
          { command: auditor.record(config, "Pruned containers", { facts: ctx.facts }) },
          { command: prune.appContainers(config, { retain }) },
        ]),
      ),
    ),
  );
}
