/**
 * @module
 * `dhow audit`: the last 50 lines of `.kamal/<service>[-<destination>]-audit.log` on every selected host.
 */
import * as auditor from "../../commands/auditor.js";
import type { DeployContext } from "../runtime/context.js";
import { capture, on } from "../runtime/execute.js";

/** Prints each host's audit log tail. */
export async function audit(ctx: DeployContext): Promise<void> {
  await on(ctx, ctx.selection.hosts, async (host) => {
    ctx.logger.outputByHost(host, await capture(ctx, host, auditor.reveal(ctx.config)));
  });
}
