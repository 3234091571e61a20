/**
 * @module
 * `dhow accessory directories NAME` (hidden; part of boot): creates the accessory's `directories:` on its
 * hosts, `mkdir -p $PWD/<service_name>/<dir>`, then `chmod`/`chown` when a mode or owner is given.
 */
import { makeDirectory } from "../../commands/base.js";
import type { Accessory } from "../../config/config.js";
import type { DeployContext } from "../runtime/context.js";
import { executeScript, type FlowStep, on } from "../runtime/execute.js";
import { selectAccessory } from "./lookup.js";
import { withLock } from "../runtime/with-lock.js";

/** Creates the accessory's data directories on all of its hosts (with the lock): one script per host. */
export async function accessoryDirectories(ctx: DeployContext, name: string): Promise<void> {
  await withLock(ctx, async () => {
    const { accessory, hosts } = selectAccessory(ctx, name);
    await on(ctx, hosts, (host) => executeScript(ctx, host, directorySteps(accessory)));
  });
}

/** `mkdir -p`, then `chmod`/`chown` when given, for each of the accessory's directories. */
export function directorySteps(accessory: Accessory): FlowStep[] {
  return accessory.directories.flatMap((directory) => [
    { command: makeDirectory(directory.local) },
    ...(directory.mode === undefined ? [] : [{ command: ["chmod", directory.mode, directory.local] }]),
    ...(directory.owner === undefined ? [] : [{ command: ["chown", directory.owner, directory.local] }]),
  ]);
}
