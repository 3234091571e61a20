/**
 * @module
 * `dhow accessory pull_image NAME` (hidden; part of reboot): `docker image pull` of the accessory's image.
 */
import * as accessoryCommands from "../../commands/accessory.js";
import * as auditor from "../../commands/auditor.js";
import type { DeployContext } from "../runtime/context.js";
import { execute, on } from "../runtime/execute.js";
import { accessoryNames, selectAccessory } from "./lookup.js";
import { progressOf } from "../runtime/progress.js";
import { withLock } from "../runtime/with-lock.js";

/** Pulls the accessory's image on its hosts (with the lock). */
export async function accessoryPullImage(ctx: DeployContext, name: string): Promise<void> {
  await withLock(ctx, async () => {
    for (const accessoryName of accessoryNames(ctx, name)) {
      const { hosts, target } = selectAccessory(ctx, accessoryName);
      await on(ctx, hosts, (host) =>
        progressOf(ctx).track({ label: `pull ${accessoryName}`, host }, async () => {
          await execute(
            ctx,
            host,
            auditor.record(ctx.config, `Pulled image for ${accessoryName} accessory`, { facts: ctx.facts }),
          );
          await execute(ctx, host, accessoryCommands.pullImage(target));
        }),
      );
    }
  });
}
