/**
 * @module
 * The shared loop of the accessory removal commands: each host of the accessory (or of every one), shown
 * as the progress step `remove <name> <what>`.
 */
import type * as accessoryCommands from "../../commands/accessory.js";
import type { DeployContext } from "../runtime/context.js";
import { on } from "../runtime/execute.js";
import { accessoryNames, selectAccessory } from "./lookup.js";
import { progressOf } from "../runtime/progress.js";
import { withLock } from "../runtime/with-lock.js";

/** Runs `fn` on each host of the accessory (or of each one), shown as the step `remove <name> <what>`. */
export async function onAccessoryHosts(
  ctx: DeployContext,
  name: string,
  what: "container" | "image" | "directory",
  fn: (host: string, accessoryName: string, target: accessoryCommands.AccessoryTarget) => Promise<void>,
): Promise<void> {
  await withLock(ctx, async () => {
    for (const accessoryName of accessoryNames(ctx, name)) {
      const { hosts, target } = selectAccessory(ctx, accessoryName);
      await on(ctx, hosts, (host) =>
        progressOf(ctx).track({ label: `remove ${accessoryName} ${what}`, host }, () =>
          fn(host, accessoryName, target),
        ),
      );
    }
  });
}
