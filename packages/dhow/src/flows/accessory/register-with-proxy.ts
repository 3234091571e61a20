/**
 * @module
 * A proxied accessory (`proxy:` in its config) is registered with kamal-proxy by its running container's
 * ID after `accessory boot` and `accessory start` (Kamal's `Cli::Accessory#boot` and `#start`).
 */
import * as accessoryCommands from "../../commands/accessory.js";
import type { AccessoryTarget } from "../../commands/accessory.js";
import { containerIdFor } from "../../commands/base.js";
import type { Accessory } from "../../config/config.js";
import type { DeployContext } from "../runtime/context.js";
import { capture, execute } from "../runtime/execute.js";
import { plannedValue } from "../runtime/planned-value.js";

/** `kamal-proxy deploy` of the accessory's running container on `host`, when the accessory is proxied. */
export async function registerWithProxy(
  ctx: DeployContext,
  host: string,
  accessory: Accessory,
  target: AccessoryTarget,
): Promise<void> {
  if (!accessory.runningProxy) return;
  const containerId = plannedValue(
    ctx,
    await capture(ctx, host, containerIdFor({ containerName: accessory.serviceName, onlyRunning: true })),
    `ID of the running ${accessory.serviceName} container`,
  );
  await execute(ctx, host, accessoryCommands.deploy(target, { target: containerId }));
}
