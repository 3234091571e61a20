/**
 * @module
 * `dhow accessory remove NAME|all` and its hidden parts: stop, prune the container, remove the image and
 * delete `~/<service_name>` (the accessory's data!) on its hosts. Asks first unless `-y`.
 */
import * as accessoryCommands from "../../commands/accessory.js";
import * as auditor from "../../commands/auditor.js";
import type { DeployContext } from "../runtime/context.js";
import { execute, on } from "../runtime/execute.js";
import { accessoryNames, selectAccessory } from "./lookup.js";
import { accessoryStop } from "./stop.js";
import { type Confirm, confirming } from "../runtime/ops-support.js";
import { progressOf } from "../runtime/progress.js";
import { withLock } from "../runtime/with-lock.js";

/** Options of `accessoryRemove`. */
export interface AccessoryRemoveOptions {
  /** `-y`: do not ask. */
  readonly confirmed?: boolean | undefined;
  /** Asks the question (the CLI prompts on stdin); without it, an unconfirmed removal is aborted. */
  readonly confirm?: Confirm | undefined;
}

/** Removes the accessory (or all of them) with its data directory, after confirmation, with the lock. */
export async function accessoryRemove(
  ctx: DeployContext,
  name: string,
  options: AccessoryRemoveOptions = {},
): Promise<void> {
  await confirming(
    ctx,
    `This will remove all containers, images and data directories for ${name}. Are you sure?`,
    options,
    () =>
      withLock(ctx, async () => {
        for (const accessoryName of accessoryNames(ctx, name)) {
          await accessoryStop(ctx, accessoryName);
          await removeAccessoryContainer(ctx, accessoryName);
          await removeAccessoryImage(ctx, accessoryName);
          await removeAccessoryServiceDirectory(ctx, accessoryName);
        }
      }),
  );
}

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

/** `accessory remove_service_directory NAME`: `rm -rf <service_name>` (uploaded files and data). */
export async function removeAccessoryServiceDirectory(ctx: DeployContext, name: string): Promise<void> {
  await onAccessoryHosts(ctx, name, "directory", async (host, _accessoryName, target) => {
    await execute(ctx, host, accessoryCommands.removeServiceDirectory(target));
  });
}

/** Runs `fn` on each host of the accessory (or of each one), shown as the step `remove <name> <what>`. */
async function onAccessoryHosts(
  ctx: DeployContext,
  name: string,
  what: "container" | "image" | "directory",
  fn: (host: string, accessoryName: string, target: accessoryCommands.AccessoryTarget) => Promise<void>,
): Promise<void> {
  await withLock(ctx, async () => {
    for (const accessoryName of accessoryNames(ctx, name)) {
      const { hosts, target } = selectAccessory(ctx, accessoryName);
      await on(ctx, hosts, (host) =>
        progressOf(ctx).track({ label: `remove ${accessoryName} ${what}`, host }, () =>
          fn(host, accessoryName, target),
        ),
      );
    }
  });
}
