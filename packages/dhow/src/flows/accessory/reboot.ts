/**
 * @module
 * `dhow accessory reboot NAME|all`: prepare (login + network), pull the image, stop, prune the container,
 * then boot it again (downtime; the data directory stays).
 */
import type { DeployContext } from "../runtime/context.js";
import { bootAccessory } from "./boot.js";
import { accessoryNames } from "./lookup.js";
import { prepareAccessory } from "./prepare.js";
import { accessoryPullImage } from "./pull-image.js";
import { removeAccessoryContainer } from "./remove-container.js";
import { accessoryStop } from "./stop.js";
import { withLock } from "../runtime/with-lock.js";
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
