/**
 * @module
 * `dhow accessory remove NAME|all` (Kamal's `Cli::Accessory#remove`): after confirmation (unless `-y`),
 * with the lock: stop, then remove_container, remove_image and remove_service_directory (the accessory's
 * data!) on its hosts.
 */
import type { DeployContext } from "../runtime/context.js";
import { accessoryNames } from "./lookup.js";
import { accessoryStop } from "./stop.js";
import { type Confirm, confirming } from "../runtime/confirm.js";
import { withLock } from "../runtime/with-lock.js";
import { removeAccessoryServiceDirectory } from "./remove-service-directory.js";
import { removeAccessoryImage } from "./remove-image.js";
import { removeAccessoryContainer } from "./remove-container.js";

export interface AccessoryRemoveOptions {
  /** `-y`: do not ask. */
  readonly confirmed?: boolean | undefined;
  /** Asks the question (the CLI prompts on stdin); without it, an unconfirmed removal is aborted. */
  readonly confirm?: Confirm | undefined;
}

/** Removes the accessory (or all of them) with its data directory, after confirmation, with the lock. */
export async function accessoryRemove(
  ctx: DeployContext,
  name: string,
  options: AccessoryRemoveOptions = {},
): Promise<void> {
  await confirming(
    ctx,
    `This will remove all containers, images and data directories for ${name}. Are you sure?`,
    options,
    () =>
      withLock(ctx, async () => {
        for (const accessoryName of accessoryNames(ctx, name)) {
          await accessoryStop(ctx, accessoryName);
          await removeAccessoryContainer(ctx, accessoryName);
          await removeAccessoryImage(ctx, accessoryName);
          await removeAccessoryServiceDirectory(ctx, accessoryName);
        }
      }),
  );
}
