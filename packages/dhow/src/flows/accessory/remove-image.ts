/**
 * @module
 * `dhow accessory remove_image NAME|all` (Kamal's `Cli::Accessory#remove_image`): removes the accessory's
 * image on its hosts.
 */
import * as accessoryCommands from "../../commands/accessory.js";
import * as auditor from "../../commands/auditor.js";
import type { DeployContext } from "../runtime/context.js";
import { execute } from "../runtime/execute.js";
import { onAccessoryHosts } from "./on-accessory-hosts.js";

/** `accessory remove_image NAME`: `docker image rm --force <image>`. */
export async function removeAccessoryImage(ctx: DeployContext, name: string): Promise<void> {
  await onAccessoryHosts(ctx, name, "image", async (host, accessoryName, target) => {
    await execute(
      ctx,
      host,
      auditor.record(ctx.config, `Removed ${accessoryName} accessory image`, { facts: ctx.facts }),
    );
    await execute(ctx, host, accessoryCommands.removeImage(target));
  });
}
