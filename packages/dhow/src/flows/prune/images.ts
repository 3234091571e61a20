/**
 * @module
 * `dhow prune images` (Kamal's `Cli::Prune#images`): removes dangling images and tagged images no
 * container uses, keeping `latest`.
 */
import * as auditor from "../../commands/auditor.js";
import * as prune from "../../commands/prune.js";
import type { DeployContext } from "../runtime/context.js";
import { executeLater, on } from "../runtime/execute.js";
import { progressOf } from "../runtime/progress.js";
import { withLock } from "../runtime/with-lock.js";

/** Removes dangling images and tagged images no container uses. */
export async function pruneImages(ctx: DeployContext): Promise<void> {
  const { config } = ctx;
  await withLock(ctx, () =>
    on(ctx, ctx.selection.hosts, (host) =>
      progressOf(ctx).track({ label: "prune images", host }, () =>
        executeLater(
          ctx,
          host,
          [
            { command: auditor.record(config, "Pruned images", { facts: ctx.facts }) },
            { command: prune.danglingImages(config) },
            { command: prune.taggedImages(config) },
          ],
          { purpose: "prune old images" },
        ),
      ),
    ),
  );
}
