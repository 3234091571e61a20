/**
 * @module
 * `dhow lock release`: removes the deploy lock (whoever took it), or says there is none.
 */
import * as lock from "../../commands/lock.js";
import type { DeployContext } from "../runtime/context.js";
import { execute, on } from "../runtime/execute.js";
import { handleMissingLock, lockHost } from "./status.js";

/** Releases the deploy lock. */
export async function lockRelease(ctx: DeployContext): Promise<void> {
  await handleMissingLock(ctx, async () => {
    await on(ctx, [lockHost(ctx)], (host) => execute(ctx, host, lock.release(ctx.config)));
    ctx.logger.say("Released the deploy lock");
  });
}
