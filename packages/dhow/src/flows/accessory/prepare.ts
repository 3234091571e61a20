/**
 * @module
 * What every accessory host needs before a boot or reboot: a registry login (the accessory's own registry,
 * else the root one) and the `kamal` network ("already exists" is fine).
 */
import type { DeployContext } from "../runtime/context.js";
import { on } from "../runtime/execute.js";
import { ensureKamalNetwork } from "../runtime/kamal-network.js";
import { selectAccessory } from "./lookup.js";
import { loginToRegistry } from "../registry/login-to-registry.js";

/** Logs in to the accessory's registry and creates the `kamal` network on its hosts (Kamal's `prepare`). */
export async function prepareAccessory(ctx: DeployContext, name: string): Promise<void> {
  const { accessory, hosts } = selectAccessory(ctx, name);
  await on(ctx, hosts, async (host) => {
    await loginToRegistry(ctx, host, accessory.registry ?? ctx.config.registry);
    await ensureKamalNetwork(ctx, host);
  });
}
