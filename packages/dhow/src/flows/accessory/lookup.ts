/**
 * @module
 * Finding an accessory by name for the `accessory` subcommands (Kamal's `with_accessory`): its config, the
 * selected hosts it runs on, and the target its command builders take; `all` expands to every accessory.
 */
import type { AccessoryTarget } from "../../commands/accessory.js";
import type { Accessory } from "../../config/config.js";
import { UsageError } from "../../errors.js";
import type { DeployContext } from "../runtime/context.js";
import { toSentence } from "../runtime/words.js";

/** The name that stands for every accessory. */
export const ALL_ACCESSORIES = "all";

/** An accessory and where it runs in this command. */
export interface SelectedAccessory {
  readonly accessory: Accessory;
  /** The accessory's hosts among the selected ones (`--hosts`, `--roles`). */
  readonly hosts: readonly string[];
  readonly target: AccessoryTarget;
}

/** The accessory `name`; UsageError naming the known accessories when there is none by that name. */
export function selectAccessory(ctx: DeployContext, name: string): SelectedAccessory {
  const accessory = ctx.config.accessory(name);
  if (!accessory) {
    const names = ctx.config.accessories.map((candidate) => candidate.name);
    throw new UsageError(
      `No accessory by the name of '${name}'${names.length > 0 ? ` (options: ${toSentence(names)})` : ""}`,
    );
  }
  return { accessory, hosts: ctx.selection.accessoryHostsOf(accessory), target: { config: ctx.config, accessory } };
}

/** `all` → every accessory name in YAML order; any other name → itself. */
export function accessoryNames(ctx: DeployContext, name: string): string[] {
  return name === ALL_ACCESSORIES ? ctx.config.accessories.map((accessory) => accessory.name) : [name];
}
