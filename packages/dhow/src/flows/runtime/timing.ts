/**
 * @module
 * The clock and sleep the flows wait with (a dependency's wait chunks, the lock's wait, the barrier), replaceable
 * in tests. Health waits themselves run on the host (commands/app/health-wait.ts), not as polls from here.
 */

/** Clock and sleep, replaceable in tests. */
export interface Timing {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/** The real clock. */
export const REAL_TIMING: Timing = { now: Date.now, sleep };

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
