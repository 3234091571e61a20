/**
 * @module
 * Turns Ctrl-C into the run's Interruption while a critical section (work under the deploy lock) runs: the
 * first SIGINT asks the flows to stop after the steps under way, a second one releases the lock (best
 * effort, bounded) and exits at once. Outside critical sections SIGINT is left alone, so it ends dhow as it
 * always did and interactive commands (`app exec -i`) still pass it on to the remote process.
 */
import type { Interruption } from "../flows/runtime/interruption.js";
import type { Logger } from "../output/logger.js";

/** The bits of `process` this needs (a seam for tests). */
export interface SignalTarget {
  on(signal: "SIGINT", listener: () => void): unknown;
  removeListener(signal: "SIGINT", listener: () => void): unknown;
  /** Ends the process as SIGINT does (exit 130). */
  exitInterrupted(): void;
}

/** The real process: re-raises SIGINT with no listener left, so the exit status says "killed by SIGINT". */
export const PROCESS_SIGNALS: SignalTarget = {
  on: (signal, listener) => process.on(signal, listener),
  removeListener: (signal, listener) => process.removeListener(signal, listener),
  exitInterrupted: () => {
    process.removeAllListeners("SIGINT");
    process.kill(process.pid, "SIGINT");
  },
};

/** Wires SIGINT to `interruption` for the life of one command; returns the unwiring function. */
export function wireInterrupts(
  interruption: Interruption,
  logger: Pick<Logger, "warn">,
  signals: SignalTarget = PROCESS_SIGNALS,
): () => void {
  let installed = false;
  const onSigint = () => {
    if (!interruption.requested) {
      logger.warn(
        "Interrupted: letting the steps under way on each host finish, then stopping (Ctrl-C again to abort at once)",
      );
      interruption.request();
      return;
    }
    logger.warn("Aborting at once: releasing the deploy lock; steps already sent to hosts may still complete there");
    void interruption.force().finally(() => signals.exitInterrupted());
  };
  const install = (critical: boolean) => {
    if (critical && !installed) signals.on("SIGINT", onSigint);
    if (!critical && installed) signals.removeListener("SIGINT", onSigint);
    installed = critical;
  };
  const unsubscribe = interruption.onCriticalChange(install);
  return () => {
    unsubscribe();
    install(false);
  };
}
