/**
 * @module
 * `dhow lock status`: the deploy lock's details (holder, time, version, message), or "There is no deploy
 * lock". The lock lives on the config's primary host (see with-lock.ts).
 */
import * as lock from "../../commands/lock.js";
import { LockError } from "../../errors.js";
import { CommandFailedError } from "../../remote/executor.js";
import type { DeployContext } from "../runtime/context.js";
import { capture, on } from "../runtime/execute.js";

/** Prints the lock's details, or that there is none. */
export async function lockStatus(ctx: DeployContext): Promise<void> {
  await handleMissingLock(ctx, async () => {
    const host = lockHost(ctx);
    const [details] = await on(ctx, [host], (target) => capture(ctx, target, lock.status(ctx.config)));
    ctx.logger.output(`${details ?? ""}\n`);
  });
}

/** The host holding the deploy lock: the config's primary host (as `withLock` takes it). */
export function lockHost(ctx: DeployContext): string {
  const host = ctx.config.primaryHost ?? ctx.selection.primaryHost;
  if (!host) throw new LockError("No primary host to hold the deploy lock");
  return host;
}

/** Runs `work`; a "No such file or directory" failure means there is no lock (Kamal's `handle_missing_lock`). */
export async function handleMissingLock(ctx: DeployContext, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof CommandFailedError) || !/No such file or directory/.test(error.result.stderr)) throw error;
    ctx.logger.say("There is no deploy lock");
  }
}
