/**
 * @module
 * `dhow accessory remove_container NAME|all` (Kamal's `Cli::Accessory#remove_container`): prunes the
 * accessory's stopped container on its hosts.
 */
import * as accessoryCommands from "../../commands/accessory.js";
import * as auditor from "../../commands/auditor.js";
import type { DeployContext } from "../runtime/context.js";
import { execute } from "../runtime/execute.js";
import { onAccessoryHosts } from "./on-accessory-hosts.js";

/** `accessory remove_container NAME`: `docker container prune` by the accessory's service label. */
export async function removeAccessoryContainer(ctx: DeployContext, name: string): Promise<void> {
  await onAccessoryHosts(ctx, name, "container", async (host, accessoryName, target) => {
    await execute(
      ctx,
      host,
      auditor.record(ctx.config, `Remove ${accessoryName} accessory container`, { facts: ctx.facts }),
    );
    await execute(ctx, host, accessoryCommands.removeContainer(target));
  });
}
