/**
 * @module
 * The remote side of waiting for a dependency (dhow only, `depends_on`): one shell loop per host that polls
 * `docker inspect` at the health check's interval until the container is healthy (or running), stops early
 * when the container is gone or exited, and gives up after a bounded number of seconds; `docker wait` for a
 * one-shot dependency; its exit code and last health-check output for the report (what it printed comes from
 * the accessory's own `logs` builder). One loop per
 * host instead of one SSH command per poll keeps a wait at one round trip per chunk.
 */
import { type Command, docker, shell } from "./command.js";

/** Exit codes of `waitForState`. */
export const WAIT_EXIT = { reached: 0, timedOut: 1, stopped: 2, noHealthcheck: 3 } as const;

/** What `waitForState` waits for: Docker's health status `healthy`, or the container running. */
export type WaitedState = "healthy" | "running";

/** The template whose output the loop matches: `<State.Status> <Health.Status or nothing>`. */
const STATE_TEMPLATE = "{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}";

/**
 * `sh -c '…'`: polls the container's state every `intervalSeconds` for at most `seconds`; prints the last
 * state seen (`running healthy`, `running starting`, `exited`, `missing`) and exits 0 when reached, 1 when
 * the time ran out, 2 when the container stopped or does not exist, 3 when it runs without a health check
 * while `healthy` is awaited (waiting longer would not help in either case).
 */
export function waitForState(
  container: string,
  options: { state: WaitedState; seconds: number; intervalSeconds: number },
): Command {
  const reached = options.state === "healthy" ? '"running healthy"' : "running*";
  const noHealthcheck = options.state === "healthy" ? `"running ") echo "$s"; exit ${WAIT_EXIT.noHealthcheck};; ` : "";
  const script = [
    `end=$(($(date +%s)+${Math.max(0, Math.ceil(options.seconds))}))`,
    "while :",
    `do s=$(docker inspect --format "${STATE_TEMPLATE}" ${container} 2> /dev/null || echo missing)`,
    `case "$s" in ${reached}) echo "$s"; exit ${WAIT_EXIT.reached};; ${noHealthcheck}running*|created*|restarting*) ;; *) echo "$s"; exit ${WAIT_EXIT.stopped};; esac`,
    `[ "$(date +%s)" -ge "$end" ] && { echo "$s"; exit ${WAIT_EXIT.timedOut}; }`,
    `sleep ${formatSeconds(options.intervalSeconds)}`,
    "done",
  ].join("; ");
  return shell([script]);
}

/**
 * `docker inspect --format '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}' <container>`:
 * `running healthy`, `running ` (no health check), `exited `…; fails (no output) where the container does not
 * exist. The deploy's gather reads it for every accessory something depends on.
 */
export function stateAndHealth(container: string): Command {
  return docker("inspect", "--format", `'${STATE_TEMPLATE}'`, container);
}

/** `timeout <seconds> docker wait <container>`: prints the exit code once it exited; exits 124 on timeout. */
export function waitForExit(container: string, seconds: number): Command {
  return ["timeout", String(Math.max(1, Math.ceil(seconds))), ...docker("wait", container)];
}

/** `docker inspect --format '{{json .State.Health}}' <container>`: the health check's state and its log. */
export function healthState(container: string): Command {
  return docker("inspect", "--format", "'{{json .State.Health}}'", container);
}

/** `1`, `0.5`, `2.25`: seconds as `sleep` takes them. */
function formatSeconds(seconds: number): string {
  return String(Math.round(Math.max(0.1, seconds) * 100) / 100);
}
