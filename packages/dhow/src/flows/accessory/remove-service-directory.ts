/**
 * @module
 * `dhow accessory remove_service_directory NAME|all` (Kamal's `Cli::Accessory#remove_service_directory`):
 * deletes the accessory's directory (uploaded files and data) on its hosts.
 */
import * as accessoryCommands from "../../commands/accessory.js";
import type { DeployContext } from "../runtime/context.js";
import { execute } from "../runtime/execute.js";
import { onAccessoryHosts } from "./on-accessory-hosts.js";

/** `accessory remove_service_directory NAME`: `rm -rf <service_name>` (uploaded files and data). */
export async function removeAccessoryServiceDirectory(ctx: DeployContext, name: string): Promise<void> {
  await onAccessoryHosts(ctx, name, "directory", async (host, _accessoryName, target) => {
    await execute(ctx, host, accessoryCommands.removeServiceDirectory(target));
  });
}
