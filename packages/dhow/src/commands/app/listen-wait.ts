/**
 * @module
 * dhow only: before `kamal-proxy deploy`, wait ON the host (a loop inside the boot script) until the new
 * container listens on the app port, for at most one health-check interval. The proxy probes the target at
 * once and then once per interval (kamal-proxy's rules, which dhow-proxy keeps), so a probe sent while the app
 * is still starting costs the deploy a whole interval; after this wait the first probe usually passes.
 *
 * It reads the container's listening sockets from `/proc/<pid>/net/tcp{,6}` (state `0A`: LISTEN), which needs no
 * tool in the app's image and no root. Where that file cannot be read, or the container has no process, it does
 * not wait; the wait never fails the boot: the proxy's health check still decides. The same step is Kamal's
 * check that the container exists, which does fail it.
 */
import { type Command, shell } from "../command.js";
import { containerName, type AppTarget } from "./target.js";

/** What the wait is for. */
export interface ListenWaitOptions {
  readonly version: string;
  /** The port the proxy sends traffic to (`proxy.app_port`). */
  readonly port: number;
  /** How long to wait at most, in seconds (the health-check interval). */
  readonly maxSeconds: number;
}

/** Checks every 50 ms. */
const STEP_MS = 50;

/**
 * Kamal's check that the new container exists (it fails the boot with `missing`, printed to stderr, when it does
 * not), then the wait: one `docker container inspect` answers both, so the boot script asks Docker once instead
 * of twice. `sh -c '<check; loop>'`, exit status 0 once the wait ended, whatever it found.
 */
export function checkThenWaitUntilListening(
  target: AppTarget,
  options: ListenWaitOptions & { readonly missing: string },
): Command {
  const name = containerName(target, options.version);
  const script = [
    `pid=$(docker container inspect --format '{{.State.Pid}}' ${name} 2>/dev/null);`,
    `[ -n "$pid" ] || { echo "${options.missing}" >&2; exit 1; }; n=0;`,
    ...waitLoop(options),
  ].join(" ");
  return shell([script]);
}

/** The wait loop: `$pid` is the container's process (0 or empty: do not wait), `$n` counts the tries. */
function waitLoop(options: ListenWaitOptions): string[] {
  const port = options.port.toString(16).toUpperCase().padStart(4, "0");
  const tries = Math.max(1, Math.ceil((options.maxSeconds * 1000) / STEP_MS));
  return [
    `while [ "\${pid:-0}" -gt 0 ] 2>/dev/null && [ -r /proc/"$pid"/net/tcp ] && [ "$n" -lt ${tries} ] &&`,
    `! grep -Eqs ':${port} [0-9A-F]+:0000 0A' /proc/"$pid"/net/tcp /proc/"$pid"/net/tcp6; do`,
    `sleep ${STEP_MS / 1000} 2>/dev/null || break; n=$((n + 1));`,
    "done; true",
  ];
}

/** The app port as a number, or undefined when it is not one (then there is nothing to wait for). */
export function listeningPort(appPort: number | string): number | undefined {
  const port = Number(appPort);
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
}
