/**
 * @module
 * The yes/no question before destructive commands (Kamal's `confirming`): `-y` skips it, anything but
 * "y" aborts.
 */
import type { DeployContext } from "./context.js";

/** Asks the user a yes/no question; resolves true only for "y" (Kamal's `confirming`). */
export type Confirm = (question: string) => Promise<boolean>;

/** Runs `work` after the user confirmed (or with `confirmed`); otherwise prints `Aborted` (Kamal's `confirming`). */
export async function confirming(
  ctx: DeployContext,
  question: string,
  options: { confirmed?: boolean | undefined; confirm?: Confirm | undefined },
  work: () => Promise<void>,
): Promise<void> {
  if (options.confirmed) return work();
  const yes = options.confirm ? await options.confirm(question) : false;
  if (yes) return work();
  ctx.logger.say("Aborted", "red");
}
