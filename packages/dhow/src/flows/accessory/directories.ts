/**
 * @module
 * `dhow accessory directories NAME` (hidden; part of boot): creates the accessory's `directories:` on its
 * hosts, `mkdir -p $PWD/<service_name>/<dir>`, then `chmod`/`chown` when a mode or owner is given.
 */
import { makeDirectory } from "../../commands/base.js";
import type { DeployContext } from "../runtime/context.js";
import { execute, on } from "../runtime/execute.js";
import { selectAccessory } from "./lookup.js";
import { withLock } from "../runtime/with-lock.js";

/** Creates the accessory's data directories on all of its hosts (with the lock). */
export async function accessoryDirectories(ctx: DeployContext, name: string): Promise<void> {
  await withLock(ctx, async () => {
    const { accessory, hosts } = selectAccessory(ctx, name);
    await on(ctx, hosts, async (host) => {
      for (const directory of accessory.directories) {
        await execute(ctx, host, makeDirectory(directory.local));
        if (directory.mode !== undefined) await execute(ctx, host, ["chmod", directory.mode, directory.local]);
        if (directory.owner !== undefined) await execute(ctx, host, ["chown", directory.owner, directory.local]);
      }
    });
  });
}
