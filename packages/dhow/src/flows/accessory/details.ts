/**
 * @module
 * `dhow accessory details NAME|all`: `docker ps --filter label=service=<service_name>` on the accessory's
 * hosts, under `Accessory <name> Host:` headers, then (dhow only, not with `-q`) the name it answers to on its
 * network (docs/service-names.md).
 */
import * as accessoryCommands from "../../commands/accessory.js";
import type { DeployContext } from "../runtime/context.js";
import { capture, on } from "../runtime/execute.js";
import { accessoryNames, selectAccessory } from "./lookup.js";

/** Prints the accessory's (or each accessory's) container details per host. */
export async function accessoryDetails(ctx: DeployContext, name: string): Promise<void> {
  for (const accessoryName of accessoryNames(ctx, name)) {
    const { hosts, target } = selectAccessory(ctx, accessoryName);
    await on(ctx, hosts, async (host) => {
      const output = await capture(ctx, host, accessoryCommands.info(target));
      const names =
        ctx.logger.verbosity === "quiet"
          ? []
          : [`Name: ${target.accessory.serviceName} (${target.accessory.network} network)`];
      ctx.logger.outputByHost(host, [output, ...names].join("\n"), `Accessory ${accessoryName}`);
    });
  }
}
