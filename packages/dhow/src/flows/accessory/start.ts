/**
 * @module
 * `dhow accessory start NAME`: `docker container start` on the accessory's hosts; a proxied accessory is
 * registered with kamal-proxy again.
 */
import * as accessoryCommands from "../../commands/accessory.js";
import * as auditor from "../../commands/auditor.js";
import type { DeployContext } from "../runtime/context.js";
import { execute, on } from "../runtime/execute.js";
import { accessoryNames, selectAccessory } from "./lookup.js";
import { registerWithProxy } from "./register-with-proxy.js";
import { progressOf } from "../runtime/progress.js";
import { withLock } from "../runtime/with-lock.js";

/** Starts the accessory's container (with the lock). */
export async function accessoryStart(ctx: DeployContext, name: string): Promise<void> {
  await withLock(ctx, async () => {
    for (const accessoryName of accessoryNames(ctx, name)) {
      const { accessory, hosts, target } = selectAccessory(ctx, accessoryName);
      await on(ctx, hosts, (host) =>
        progressOf(ctx).track({ label: `start ${accessoryName}`, host }, async () => {
          await execute(
            ctx,
            host,
            auditor.record(ctx.config, `Started ${accessoryName} accessory`, { facts: ctx.facts }),
          );
          await execute(ctx, host, accessoryCommands.start(target));
          await registerWithProxy(ctx, host, accessory, target);
        }),
      );
    }
  });
}
