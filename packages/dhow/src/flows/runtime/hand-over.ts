/**
 * @module
 * The interactive hand-over: flows that run `ssh -t` (exec -i, logs -f, server exec -i) get the runner the
 * CLI injected, else the system ssh with the terminal attached.
 */
import { type InteractiveRunner, interactiveRunner } from "../../remote/interactive-ssh.js";
import type { DeployContext } from "./context.js";

export type { InteractiveRunner } from "../../remote/interactive-ssh.js";

/** Options of flows that may hand the terminal over to `ssh -t`. */
export interface HandOverOptions {
  /** Runs the `ssh -t …` line (default: the system ssh with the terminal attached). */
  readonly handOver?: InteractiveRunner;
}

/** The runner a flow uses for `ssh -t` (the injected one, else the system ssh in the context's env). */
export function handOverRunner(ctx: DeployContext, options: HandOverOptions): InteractiveRunner {
  return options.handOver ?? interactiveRunner({ env: ctx.env, cwd: ctx.cwd });
}
