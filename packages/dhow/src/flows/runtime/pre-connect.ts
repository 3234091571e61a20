/**
 * @module
 * The pre-connect hook runs once per command, before the first SSH connection. `on()` runs it on first
 * use; `build push` runs it explicitly before building (a remote builder or the pre-build hook may need it).
 */
import type { DeployContext } from "./context.js";
import { runHook } from "./run-hook.js";

/** Runs the pre-connect hook unless it already ran in this command (Kamal's `pre_connect_if_required`). */
export async function preConnect(ctx: DeployContext): Promise<void> {
  if (ctx.state.connected) return;
  ctx.state.connected = true;
  await runHook(ctx, "pre-connect");
}
