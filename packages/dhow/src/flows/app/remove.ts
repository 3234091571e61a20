/**
 * @module
 * `dhow app remove` (Kamal's `Cli::App#remove`): with the lock, stop the app, then remove_containers,
 * remove_images and remove_app_directories. Images and directories go only where every role of a host is
 * selected, so `--roles web` leaves a host shared with workers intact.
 */
import type { DeployContext } from "../runtime/context.js";
import { appStop } from "./stop.js";
import { withLock } from "../runtime/with-lock.js";
import { removeAppImages } from "./remove-images.js";
import { removeAppDirectories } from "./remove-app-directories.js";
import { removeAppContainers } from "./remove-containers.js";

/** Stops and removes the app's containers, images and directories (with the lock). */
export async function appRemove(ctx: DeployContext): Promise<void> {
  await withLock(ctx, async () => {
    await appStop(ctx);
    await removeAppContainers(ctx);
    await removeAppImages(ctx);
    await removeAppDirectories(ctx);
  });
}
