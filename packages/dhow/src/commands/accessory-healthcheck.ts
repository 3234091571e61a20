/**
 * @module
 * An accessory's `healthcheck` (dhow only) as Docker's own health check: the `docker run --health-*` flags,
 * so `docker ps` shows `(healthy)` and dhow waits on `State.Health`. Docker runs the command with
 * `/bin/sh -c` inside the container (CMD-SHELL), so the image must contain what the command uses:
 * - `cmd`: run as written (e.g. `pg_isready -U postgres`, `redis-cli ping`);
 * - HTTP (`path` + `port`): `curl` or `wget` in the image; healthy on a 2xx/3xx answer from
 *   `http://127.0.0.1:<port><path>` (the service must listen on the container's loopback or on all
 *   addresses);
 * - TCP (`port`): `nc` with `-z` (netcat, busybox) or `bash` (its `/dev/tcp`) in the image; healthy once
 *   127.0.0.1:<port> accepts a connection.
 * Timings are passed only when set (a number is seconds, a string Docker's duration syntax), except
 * `interval`, which defaults to DEFAULT_HEALTHCHECK_INTERVAL instead of Docker's 30s, so that dependents
 * are not held half a minute before the first check.
 */
import type { AccessoryHealthcheck } from "../config/sections/accessory-healthcheck.js";
import { singleQuote } from "./command.js";

/** The health check interval dhow passes when `healthcheck.interval` is not set (Docker's default is 30s). */
export const DEFAULT_HEALTHCHECK_INTERVAL = "5s";

/** The shell command Docker runs for the check (CMD-SHELL form). */
export function healthcheckCommand(healthcheck: AccessoryHealthcheck): string {
  switch (healthcheck.kind) {
    case "cmd":
      return healthcheck.cmd;
    case "http": {
      const path = healthcheck.path.startsWith("/") ? healthcheck.path : `/${healthcheck.path}`;
      const url = `http://127.0.0.1:${healthcheck.port}${path}`;
      return `curl -fsS -o /dev/null ${singleQuote(url)} || wget -q -O /dev/null ${singleQuote(url)}`;
    }
    case "tcp": {
      const port = healthcheck.port;
      return `nc -z 127.0.0.1 ${port} || bash -c 'exec 3<>/dev/tcp/127.0.0.1/${port}'`;
    }
  }
}

/**
 * `--health-cmd '<command>' --health-interval <d> [--health-timeout <d>] [--health-retries <n>]
 * [--health-start-period <d>]`, each value quoted for the remote shell.
 */
export function healthcheckArgs(healthcheck: AccessoryHealthcheck): string[] {
  const args = ["--health-cmd", singleQuote(healthcheckCommand(healthcheck))];
  args.push("--health-interval", duration(healthcheck.interval ?? DEFAULT_HEALTHCHECK_INTERVAL));
  if (healthcheck.timeout !== undefined) args.push("--health-timeout", duration(healthcheck.timeout));
  if (healthcheck.retries !== undefined) args.push("--health-retries", String(healthcheck.retries));
  if (healthcheck.startPeriod !== undefined) args.push("--health-start-period", duration(healthcheck.startPeriod));
  return args;
}

/** Seconds as `5s`; a duration string (validated by the config: `30s`, `1m30s`, `500ms`) as written. */
function duration(value: number | string): string {
  return typeof value === "string" ? value : `${value}s`;
}
