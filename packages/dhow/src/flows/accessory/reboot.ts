/**
 * @module
 * `dhow accessory reboot NAME|all`: prepare (login + network), pull the image, stop, prune the container,
 * then boot it again (downtime; the data directory stays). `--changed` (dhow only): only the accessories
 * whose config changed since they were booted (drift.ts), in dependency order, each after the rebooted
 * accessories it depends on reached their condition.
 */
import type { DeployContext } from "../runtime/context.js";
import { bootAccessory } from "./boot.js";
import { accessoryNames } from "./lookup.js";
import { prepareAccessory } from "./prepare.js";
import { accessoryPullImage } from "./pull-image.js";
import { removeAccessoryContainer } from "./remove-container.js";
import { accessoryStop } from "./stop.js";
import { withLock } from "../runtime/with-lock.js";
import { dependenciesOf, dependencyGraph } from "../../config/dependency-graph.js";
import type { Timing } from "../runtime/timing.js";
import { on } from "../runtime/execute.js";
import { inDependencyOrder } from "./dependencies.js";
import { accessoryDrift, reportDrift } from "./drift.js";
import { waitForDependency } from "./wait-for-dependency.js";
import { requireSecrets } from "../runtime/require-secrets.js";

/** Reboots the accessory (or each accessory in YAML order), with the lock. */
export async function accessoryReboot(ctx: DeployContext, name: string): Promise<void> {
  requireSecrets(ctx, { accessory: name });
  await withLock(ctx, async () => {
    for (const accessoryName of accessoryNames(ctx, name)) {
      await prepareAccessory(ctx, accessoryName);
      await accessoryPullImage(ctx, accessoryName);
      await accessoryStop(ctx, accessoryName);
      await removeAccessoryContainer(ctx, accessoryName);
      await bootAccessory(ctx, accessoryName, { prepare: false, direct: true });
    }
  });
}

/** Options of `accessoryRebootChanged`. */
export interface RebootChangedOptions {
  readonly timing?: Timing;
}

/**
 * `dhow accessory reboot --changed` (and `deploy --reboot-changed-accessories`): reboots the accessories
 * whose config changed, in dependency order, each after the rebooted accessories it depends on reached their
 * condition. Resolves with the names rebooted.
 */
export async function accessoryRebootChanged(
  ctx: DeployContext,
  options: RebootChangedOptions = {},
): Promise<string[]> {
  requireSecrets(ctx, { accessory: "all" });
  return withLock(ctx, async () => {
    ctx.logger.say("Check accessories for config changes...", "magenta");
    const drift = await accessoryDrift(ctx);
    reportDrift(ctx, drift, true);
    const names = inDependencyOrder(ctx.config, [...new Set(drift.map((entry) => entry.accessory))]);
    if (names.length === 0) {
      ctx.logger.say("No accessory changed since it was booted", "green");
      return [];
    }
    const graph = dependencyGraph(ctx.config);
    const rebooted: string[] = [];
    for (const name of names) {
      for (const edge of dependenciesOf(graph, { kind: "accessory", name })) {
        const dependency = ctx.config.accessory(edge.dependency.name);
        if (edge.dependency.kind !== "accessory" || !dependency || !rebooted.includes(dependency.name)) continue;
        await on(ctx, dependency.hosts, (host) =>
          waitForDependency(ctx, {
            accessory: dependency,
            host,
            condition: edge.condition,
            timeoutSeconds: edge.timeout,
            ...(options.timing ? { timing: options.timing } : {}),
          }),
        );
      }
      ctx.logger.say(`Rebooting ${name}: its config changed since it was booted...`, "magenta");
      await accessoryReboot(ctx, name);
      rebooted.push(name);
    }
    return rebooted;
  });
}
