/**
 * @module
 * `dhow registry logout` (Kamal's `Cli::Registry#logout`): logs out of the registry on the hosts; refused
 * with a local registry.
 */
import { UsageError } from "../../errors.js";
import type { DeployContext } from "../runtime/context.js";
import type { RegistryScope } from "./setup.js";
import { registryRemove } from "./remove.js";

/** `registry logout`: as remove, but refused with a local registry. */
export async function registryLogout(ctx: DeployContext, scope: RegistryScope = {}): Promise<void> {
  if (ctx.config.registry.local) {
    throw new UsageError("Cannot use logout command with a local registry. Use `dhow registry remove` instead.");
  }
  await registryRemove(ctx, scope);
}
