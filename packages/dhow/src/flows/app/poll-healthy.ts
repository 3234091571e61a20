/**
 * @module
 * Waiting for a new container of a role without the proxy (Kamal's `Healthcheck::Poller`): `healthy`, or
 * `running` and still running after `readiness_delay`, within `deploy_timeout`. Checks are retried after
 * 1, 2, 3… seconds.
 */
import { BootError } from "../../errors.js";
import type { DeployContext } from "../runtime/context.js";

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

/** Polls `status()` until the container is ready; throws BootError after `deploy_timeout` seconds. */
export async function waitForHealthy(
  ctx: DeployContext,
  { host, status, timing = REAL_TIMING }: { host: string; status: () => Promise<string>; timing?: Timing },
): Promise<void> {
  const { deployTimeout, readinessDelay } = ctx.config;
  const log = ctx.logger.forHost(host);
  const timeoutAt = timing.now() + deployTimeout * 1000;
  for (let attempt = 1; ; attempt++) {
    let current = await status();
    if (current === "running" && readinessDelay > 0) {
      log.info(`Container is running, waiting for readiness delay of ${readinessDelay} seconds`);
      await timing.sleep(readinessDelay * 1000);
      current = await status();
    }
    if (current === "running" || current === "healthy") {
      log.info("Container is healthy!");
      return;
    }
    const left = timeoutAt - timing.now();
    if (left <= 0) {
      throw new BootError(`container not ready after ${deployTimeout} seconds (${current || "not found"})`);
    }
    await timing.sleep(Math.min(attempt * 1000, left));
  }
}
