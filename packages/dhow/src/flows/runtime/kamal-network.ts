/**
 * @module
 * The `kamal` network on a host, created at most once per command and host. Docker makes two networks of one
 * name when two `docker network create kamal` race on one engine, and every later `--network kamal` then fails
 * as ambiguous; accessories boot in parallel (the dependency walk), so every create goes through here.
 */
import * as docker from "../../commands/docker.js";
import { KAMAL_NETWORK } from "../../constants.js";
import { CommandFailedError } from "../../remote/executor.js";
import type { DeployContext } from "./context.js";
import { execute, executeLater } from "./execute.js";
import { gatheredAnswer } from "./gather.js";

/** Per command (its state) and host: the creation under way or done. */
const creations = new WeakMap<object, Map<string, Promise<void>>>();

/**
 * Makes sure `kamal` exists on `host`: nothing when the gather step saw it, else `docker network create kamal`
 * ("already exists" accepted), once. On a host where no accessory of this config runs, a create the gather
 * step asked for rides with the host's next script; elsewhere it runs now, so that the accessories booting there
 * in parallel can wait for it.
 */
export function ensureKamalNetwork(ctx: DeployContext, host: string): Promise<void> {
  let perHost = creations.get(ctx.state);
  if (!perHost) {
    perHost = new Map();
    creations.set(ctx.state, perHost);
  }
  const known = perHost.get(host);
  if (known) return known;
  const creation = create(ctx, host);
  perHost.set(host, creation);
  return creation;
}

/** The names of the networks the gather step saw on `host` (undefined: not gathered, or the read failed). */
export function gatheredNetworks(ctx: Pick<DeployContext, "state">, host: string): string[] | undefined {
  const networks = gatheredAnswer(ctx, host, docker.listNetworks());
  if (networks?.exitCode !== 0) return undefined;
  return networks.stdout.split("\n").map((name) => name.trim());
}

async function create(ctx: DeployContext, host: string): Promise<void> {
  const networks = gatheredNetworks(ctx, host);
  const gathered = networks !== undefined;
  if (networks?.includes(KAMAL_NETWORK)) return;
  const accessoryHost = ctx.config.accessories.some((accessory) => accessory.hosts.includes(host));
  if (gathered && !accessoryHost) {
    await executeLater(ctx, host, [{ command: docker.createNetwork() }], { purpose: "create the kamal network" });
    return;
  }
  try {
    await execute(ctx, host, docker.createNetwork(), { purpose: "create the kamal network" });
  } catch (error) {
    if (!(error instanceof CommandFailedError && /already exists/.test(`${error.result.stdout}${error.stderr}`))) {
      throw error;
    }
  }
}
