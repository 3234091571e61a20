/**
 * @module
 * `dhow accessory stop NAME`: `docker container stop` on the accessory's hosts (failures ignored); a proxied
 * accessory is removed from kamal-proxy afterwards.
 */
import * as accessoryCommands from "../../commands/accessory.js";
import * as auditor from "../../commands/auditor.js";
import { containerIdFor } from "../../commands/base.js";
import type { DeployContext } from "../runtime/context.js";
import { capture, execute, on } from "../runtime/execute.js";
import { accessoryNames, selectAccessory } from "./lookup.js";
import { progressOf } from "../runtime/progress.js";
import { withLock } from "../runtime/with-lock.js";

/** Stops the accessory's container (with the lock). */
export async function accessoryStop(ctx: DeployContext, name: string): Promise<void> {
  await withLock(ctx, async () => {
    for (const accessoryName of accessoryNames(ctx, name)) {
      const { accessory, hosts, target } = selectAccessory(ctx, accessoryName);
      await on(ctx, hosts, (host) =>
        progressOf(ctx).track({ label: `stop ${accessoryName}`, host }, async () => {
          await execute(
            ctx,
            host,
            auditor.record(ctx.config, `Stopped ${accessoryName} accessory`, { facts: ctx.facts }),
          );
          await execute(ctx, host, accessoryCommands.stop(target), { allowFailure: true });
          if (accessory.runningProxy) {
            // Kamal looks the container up and then removes the proxy route whatever it found.
            await capture(ctx, host, containerIdFor({ containerName: accessory.serviceName, onlyRunning: true }));
            await execute(ctx, host, accessoryCommands.remove(target));
          }
        }),
      );
    }
  });
}
