/**
 * @module
 * Kamal's `print_runtime`: times a top-level command and prints `  Finished all in N.N seconds` when it
 * ends, failed or not. The seconds feed the post-deploy hook's KAMAL_RUNTIME.
 */
import type { DeployContext } from "./context.js";

/** Runs `work`, prints how long it took, and returns the seconds it took. */
export async function printRuntime(ctx: DeployContext, work: () => Promise<void>): Promise<number> {
  const started = Date.now();
  try {
    await work();
  } finally {
    ctx.logger.say(`  Finished all in ${((Date.now() - started) / 1000).toFixed(1)} seconds`);
  }
  return (Date.now() - started) / 1000;
}
