/**
 * @module
 * Waiting for a new container of a role without the proxy, ON the host (one step of the boot script, no
 * polling round trips): Kamal's `Healthcheck::Poller` rules — `healthy`, or `running` and still running after
 * `readiness_delay`, within `deploy_timeout`, checks retried after 1, 2, 3… seconds. The last status read is
 * on stderr when it gives up.
 */
import { type Command, render, shell } from "../command.js";
import { status } from "./core.js";
import type { AppTarget } from "./target.js";

/** The timing of the wait, in whole seconds. */
export interface HealthWaitOptions {
  readonly version: string;
  readonly deployTimeout: number;
  readonly readinessDelay: number;
}

/** `sh -c '<loop>'` that exits 0 once the version's container is ready, 1 after `deployTimeout` seconds. */
export function waitUntilReady(target: AppTarget, options: HealthWaitOptions): Command {
  const query = render(status(target, { version: options.version }));
  const delay = Math.max(0, Math.floor(options.readinessDelay));
  const timeout = Math.max(0, Math.floor(options.deployTimeout));
  const script = [
    `end=$(( $(date +%s) + ${timeout} )); n=0`,
    "while :; do",
    `s=$(${query})`,
    ...(delay > 0
      ? [
          `if [ "$s" = running ]; then echo "Container is running, waiting for readiness delay of ${delay} seconds"; sleep ${delay}; s=$(${query}); fi`,
        ]
      : []),
    `case "$s" in running|healthy) exit 0 ;; esac`,
    "now=$(date +%s)",
    `if [ "$now" -ge "$end" ]; then echo "container not ready after ${timeout} seconds (\${s:-not found})" >&2; exit 1; fi`,
    'n=$((n + 1)); w=$((end - now)); if [ "$n" -lt "$w" ]; then w=$n; fi; sleep "$w"',
    "done",
  ].join("\n");
  return shell([script]);
}
