/**
 * @module
 * Accessory drift (dhow only): each accessory container carries the label `dhow.config-hash` with the hash
 * of the config it was booted with (config/accessory-config-hash.ts); comparing it with the current
 * config's hash names the accessories whose config changed since they were booted. `deploy` reports them
 * (and reboots them with `--reboot-changed-accessories`); `dhow accessory reboot --changed` reboots only
 * those (reboot.ts).
 *
 * Not checked: configs without dhow's dependency features (no label is written, no command is sent),
 * containers booted without the label (by Kamal, or before dhow wrote it), and one-shot `completed`
 * dependencies (they run afresh on every boot of their dependents anyway).
 */
import * as accessoryCommands from "../../commands/accessory.js";
import type { Accessory } from "../../config/config.js";
import { dependencyGraph, dependentsOf } from "../../config/dependency-graph.js";
import type { DeployContext } from "../runtime/context.js";
import { on } from "../runtime/execute.js";
import { captureFact } from "../runtime/gather.js";

/** An accessory container whose config changed since it was booted. */
export interface AccessoryDrift {
  readonly accessory: string;
  readonly host: string;
  /** The hash on the running container's label. */
  readonly booted: string;
  /** The hash of the current config. */
  readonly current: string;
}

/** The accessory containers (on the selected hosts) whose config hash differs from the current config's. */
export async function accessoryDrift(ctx: DeployContext): Promise<AccessoryDrift[]> {
  const graph = dependencyGraph(ctx.config);
  const checked = ctx.config.accessories.filter(
    (accessory) =>
      !dependentsOf(graph, { kind: "accessory", name: accessory.name }).some((edge) => edge.condition === "completed"),
  );
  const found: AccessoryDrift[] = [];
  for (const accessory of checked) {
    const current = currentHash(ctx, accessory);
    if (current === undefined) continue;
    const target = { config: ctx.config, accessory };
    const labels = await on(ctx, ctx.selection.accessoryHostsOf(accessory), async (host) => ({
      host,
      booted: await captureFact(ctx, host, accessoryCommands.configHashLabel(target)),
    }));
    for (const { host, booted } of labels) {
      // An empty label: no container, or one booted without the label; nothing to compare.
      if (booted !== "" && booted !== "<no value>" && booted !== current) {
        found.push({ accessory: accessory.name, host, booted, current });
      }
    }
  }
  return found;
}

/** Prints one line per changed accessory container; says how to apply the changes unless `applying`. */
export function reportDrift(ctx: DeployContext, drift: readonly AccessoryDrift[], applying: boolean): void {
  for (const { accessory, host, booted, current } of drift) {
    ctx.logger.warn(`Accessory ${accessory} on ${host} changed since it was booted (config ${booted} -> ${current})`);
  }
  if (drift.length > 0 && !applying) {
    ctx.logger.warn(
      "Not rebooting changed accessories: run `dhow accessory reboot --changed`, or deploy with --reboot-changed-accessories",
    );
  }
}

/** The current config's hash, or undefined when the config writes none (or a secret is missing). */
function currentHash(ctx: DeployContext, accessory: Accessory): string | undefined {
  try {
    return accessory.configHash();
  } catch (error) {
    ctx.logger.debug(`Not checking ${accessory.name} for config changes: ${(error as Error).message}`);
    return undefined;
  }
}
