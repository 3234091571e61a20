/**
 * @module
 * `dhow prune containers` (Kamal's `Cli::Prune#containers`): removes stopped app containers beyond the
 * newest `retain_containers`.
 */
import * as auditor from "../../commands/auditor.js";
import * as prune from "../../commands/prune.js";
import { UsageError } from "../../errors.js";
import type { DeployContext } from "../runtime/context.js";
import { executeLater, on } from "../runtime/execute.js";
import { progressOf } from "../runtime/progress.js";
import { withLock } from "../runtime/with-lock.js";
import type { PruneOptions } from "./all.js";

/** Removes stopped app containers beyond the newest `retain`. */
export async function pruneContainers(ctx: DeployContext, options: PruneOptions = {}): Promise<void> {
  const { config } = ctx;
  const retain = options.retain ?? config.retainContainers;
  if (!Number.isInteger(retain) || retain < 1) throw new UsageError("retain must be at least 1");
  await withLock(ctx, () =>
    on(ctx, ctx.selection.hosts, (host) =>
      progressOf(ctx).track({ label: "prune containers", host }, () =>
        executeLater(
          ctx,
          host,
          [
            { command: auditor.record(config, "Pruned containers", { facts: ctx.facts }) },
            { command: prune.appContainers(config, { retain }) },
          ],
          { purpose: "prune old containers" },
        ),
      ),
    ),
  );
}
