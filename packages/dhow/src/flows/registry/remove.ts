/**
 * @module
 * `dhow registry remove` (Kamal's `Cli::Registry#remove`): stop and remove the local registry container,
 * or log out on this machine and on every selected host.
 */
import * as registry from "../../commands/registry.js";
import type { DeployContext } from "../runtime/context.js";
import { execute, on } from "../runtime/execute.js";
import { executeLocal } from "../runtime/execute-local.js";
import type { RegistryScope } from "./setup.js";

/** Removes the local registry, or logs out locally and on the hosts. */
export async function registryRemove(ctx: DeployContext, scope: RegistryScope = {}): Promise<void> {
  if (ctx.config.registry.local) {
    if (!scope.skipLocal) await executeLocal(ctx, registry.remove(ctx.config), { allowFailure: true });
    return;
  }
  if (!scope.skipLocal) await executeLocal(ctx, registry.logout(ctx.config));
  if (!scope.skipRemote) await on(ctx, ctx.selection.hosts, (host) => execute(ctx, host, registry.logout(ctx.config)));
}
