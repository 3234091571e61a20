/**
 * @module
 * `dhow registry setup` (Kamal's `Cli::Registry#setup`): start the local registry container (local
 * registry mode), or log in to the registry on this machine and on every selected host.
 */
import * as registry from "../../commands/registry.js";
import type { DeployContext } from "../runtime/context.js";
import { ensureLocalDocker } from "../build/ensure-local-docker.js";
import { execute, on } from "../runtime/execute.js";
import { executeLocal } from "../runtime/execute-local.js";
import { requireSecrets } from "../runtime/require-secrets.js";

/** `-L/--skip-local`, `-R/--skip-remote`. */
export interface RegistryScope {
  readonly skipLocal?: boolean;
  readonly skipRemote?: boolean;
}

/** Starts the local registry, or logs in locally and on the hosts. */
export async function registrySetup(ctx: DeployContext, scope: RegistryScope = {}): Promise<void> {
  requireSecrets(ctx, { registry: true });
  if (!scope.skipLocal) await ensureLocalDocker(ctx);
  if (ctx.config.registry.local) {
    if (!scope.skipLocal) await executeLocal(ctx, registry.setup(ctx.config));
    return;
  }
  if (!scope.skipLocal) await executeLocal(ctx, registry.login(ctx.config));
  if (!scope.skipRemote) await on(ctx, ctx.selection.hosts, (host) => execute(ctx, host, registry.login(ctx.config)));
}
