/**
 * @module
 * What every accessory host needs before a boot or reboot: a registry login (the accessory's own registry,
 * else the root one) and the `kamal` network ("already exists" is fine).
 */
import * as docker from "../../commands/docker.js";
import { CommandFailedError } from "../../remote/executor.js";
import type { DeployContext } from "../runtime/context.js";
import { execute, on } from "../runtime/execute.js";
import { selectAccessory } from "./lookup.js";
import { loginToRegistry } from "../registry/login-to-registry.js";

/** Logs in to the accessory's registry and creates the `kamal` network on its hosts (Kamal's `prepare`). */
export async function prepareAccessory(ctx: DeployContext, name: string): Promise<void> {
  const { accessory, hosts } = selectAccessory(ctx, name);
  await on(ctx, hosts, async (host) => {
    await loginToRegistry(ctx, host, accessory.registry ?? ctx.config.registry);
    await createNetwork(ctx, host);
  });
}

/** `docker network create kamal`, ignoring "already exists". */
export async function createNetwork(ctx: DeployContext, host: string): Promise<void> {
  try {
    await execute(ctx, host, docker.createNetwork());
  } catch (error) {
    if (!(error instanceof CommandFailedError) || !alreadyExists(error)) throw error;
  }
}

function alreadyExists(error: CommandFailedError): boolean {
  return `${error.result.stdout}\n${error.result.stderr}`.includes("already exists");
}
