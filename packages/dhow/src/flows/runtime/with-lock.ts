/**
 * @module
 * The deploy lock around a mutating command (Kamal's `with_lock`): taken on the primary host, released when
 * the work ends, fails, or is interrupted with Ctrl-C (see interruption.ts). Nested commands (and hooks that call dhow, via
 * KAMAL_LOCK=true) see it as already held.
 */
import * as lock from "../../commands/lock.js";
import * as server from "../../commands/server.js";
import { LockError } from "../../errors.js";
import { CommandFailedError } from "../../remote/executor.js";
import { onHosts } from "../../remote/on-hosts.js";
import type { DeployContext } from "./context.js";
import { capture, execute, flushPending } from "./execute.js";
import { dropPending, hostsWithPending } from "./pending.js";

/** Options of `withLock`. */
export interface LockOptions {
  /**
   * Takes the lock another way: the deploy engine takes it inside the gather script. It must set
   * `ctx.state.holdingLock` once the lock is taken; whatever it throws after that still releases the lock.
   */
  readonly acquire?: () => Promise<void>;
}

/** The message of locks dhow and Kamal take themselves (only these are waited for with --lock-wait). */
export const AUTOMATIC_LOCK_MESSAGE = "Automatic deploy lock";

/**
 * Runs `work` holding the deploy lock, as a critical section: Ctrl-C lets the steps under way finish, then
 * `work` fails with InterruptedError and the lock is released (a second Ctrl-C releases it and aborts).
 */
export async function withLock<T>(ctx: DeployContext, work: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  if (ctx.state.holdingLock) return work();
  const releaseIfHeld = () => (ctx.state.holdingLock ? releaseLock(ctx) : Promise.resolve());
  return ctx.state.interruption.criticalSection(async () => {
    try {
      if (options.acquire) await options.acquire();
      else {
        await ensureRunDirectories(ctx);
        await acquireLock(ctx);
      }
      const result = await work();
      // Everything queued under the lock goes out first. Alone, the lock host's steps ride with the release; with
      // other hosts to clean up, every host's steps go out at once and the release follows on its own: one round
      // trip more on the lock host, instead of its clean-up waiting for the others' (≈ 0.4 s at 100 ms RTT).
      const holder = lockHost(ctx);
      if (hostsWithPending(ctx).some((host) => host !== holder)) await flushPending(ctx);
      await releaseLock(ctx);
      return result;
    } catch (error) {
      dropPending(ctx);
      try {
        await flushPending(ctx);
        await releaseIfHeld();
      } catch (releaseError) {
        ctx.logger.error(`Error releasing the deploy lock: ${(releaseError as Error).message}`);
      }
      throw error;
    }
  }, releaseIfHeld);
}

/** `mkdir -p .kamal` on every selected host and on the lock's host (which `--hosts` may leave out). */
export async function ensureRunDirectories(ctx: DeployContext): Promise<void> {
  const hosts = [...new Set([...ctx.selection.hosts, lockHost(ctx)])];
  await onHosts(hosts, (host) => execute(ctx, host, server.ensureRunDirectory(ctx.config)));
}

/** Takes the lock on the primary host, waiting for an automatic lock with --lock-wait. */
export async function acquireLock(ctx: DeployContext, message = AUTOMATIC_LOCK_MESSAGE): Promise<void> {
  const host = lockHost(ctx);
  const deadline = Date.now() + ctx.options.lockWaitTimeout * 1000;
  ctx.logger.say("Acquiring the deploy lock...", "magenta");
  for (;;) {
    try {
      await execute(ctx, host, lock.acquire(ctx.config, message, ctx.config.version, ctx.facts), {
        purpose: "take the deploy lock",
      });
      ctx.state.holdingLock = true;
      return;
    } catch (error) {
      if (!(error instanceof CommandFailedError) || !/cannot create directory/.test(error.result.stderr)) throw error;
      const status = await capture(ctx, host, lock.status(ctx.config), { allowFailure: true });
      const automatic = status.includes(`Message: ${AUTOMATIC_LOCK_MESSAGE}`);
      if (ctx.options.lockWait && automatic && Date.now() < deadline) {
        ctx.logger.say(`Deploy lock held, waiting ${ctx.options.lockWaitInterval}s...`, "yellow");
        await ctx.state.interruption.sleep(ctx.options.lockWaitInterval * 1000);
        continue;
      }
      ctx.logger.error("Deploy lock already in place!");
      if (status) ctx.logger.output(`${status}\n`);
      throw new LockError("Deploy lock found. Run 'dhow lock help' for more information", { cause: error });
    }
  }
}

/** Releases the lock on the primary host. */
export async function releaseLock(ctx: DeployContext): Promise<void> {
  ctx.logger.say("Releasing the deploy lock...", "magenta");
  await execute(ctx, lockHost(ctx), lock.release(ctx.config), {
    evenIfInterrupted: true,
    purpose: "release the deploy lock",
  });
  ctx.state.holdingLock = false;
}

/** The lock lives on the config's primary host, whatever hosts are selected. */
export function lockHost(ctx: DeployContext): string {
  const host = ctx.config.primaryHost ?? ctx.selection.primaryHost;
  if (!host) throw new LockError("No primary host to hold the deploy lock");
  return host;
}
