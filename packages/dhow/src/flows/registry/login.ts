/**
 * @module
 * `dhow registry login` (Kamal's `Cli::Registry#login`): logs in to the registry on the hosts; refused with
 * a local registry.
 */
import { UsageError } from "../../errors.js";
import type { DeployContext } from "../runtime/context.js";
import { registrySetup } from "./setup.js";
import type { RegistryScope } from "./setup.js";

/** `registry login`: as setup, but refused with a local registry. */
export async function registryLogin(ctx: DeployContext, scope: RegistryScope = {}): Promise<void> {
  if (ctx.config.registry.local) {
    throw new UsageError("Cannot use login command with a local registry. Use `dhow registry setup` instead.");
  }
  await registrySetup(ctx, scope);
}
