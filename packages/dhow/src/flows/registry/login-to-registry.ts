/**
 * @module
 * `docker login` on a host with the root registry or an accessory's, skipped for a local registry (which
 * the hosts reach through a forwarded port without credentials).
 */
import * as registry from "../../commands/registry.js";
import type { RegistryConfig } from "../../config/config.js";
import type { DeployContext } from "../runtime/context.js";
import { execute } from "../runtime/execute.js";

/** `docker login …` with the given registry (the root one by default); nothing for a local registry. */
export async function loginToRegistry(
  ctx: DeployContext,
  host: string,
  registryConfig: RegistryConfig = ctx.config.registry,
): Promise<void> {
  if (registryConfig.local) return;
  await execute(ctx, host, registry.login(ctx.config, { registryConfig }));
}
