/**
 * @module
 * `dhow lock acquire -m MESSAGE`: takes the deploy lock by hand (deploys fail until `dhow lock release`).
 * When the lock is held already, prints its details and fails with Kamal's LockError wording.
 */
import * as lock from "../../commands/lock.js";
import * as server from "../../commands/server.js";
import { LockError } from "../../errors.js";
import { CommandFailedError } from "../../remote/executor.js";
import type { DeployContext } from "../runtime/context.js";
import { capture, execute, on } from "../runtime/execute.js";
import { lockHost } from "./status.js";

/** Takes the deploy lock with `message`; fails (after printing the holder) when it is held. */
export async function lockAcquire(ctx: DeployContext, message: string): Promise<void> {
  const host = lockHost(ctx);
  // The lock host may be outside `--hosts`; its `.kamal` must exist too, or mkdir reads as "lock held".
  const hosts = [...new Set([...ctx.selection.hosts, host])];
  await on(ctx, hosts, (target) => execute(ctx, target, server.ensureRunDirectory(ctx.config)));
  try {
    await execute(ctx, host, lock.acquire(ctx.config, message, ctx.config.version, ctx.facts));
  } catch (error) {
    if (!(error instanceof CommandFailedError) || !/cannot create directory/.test(error.result.stderr)) throw error;
    ctx.logger.error("Deploy lock already in place!");
    const status = await capture(ctx, host, lock.status(ctx.config), { allowFailure: true });
    if (status) ctx.logger.output(`${status}\n`);
    throw new LockError("Deploy lock found. Run 'dhow lock help' for more information", { cause: error });
  }
  ctx.logger.say("Acquired the deploy lock");
}
