/**
 * @module
 * An accessory's `healthcheck` (dhow only): a command (`cmd`), an HTTP check (`path` and `port`) or a TCP
 * check (`port` alone), with `interval`, `timeout`, `retries` and `start_period`, meant to run as Docker's
 * own health check. Validated and resolved here; commands/accessory-healthcheck.ts turns it into
 * `docker run --health-*` flags, and the flows that boot accessories wait on it.
 */
import { hasOwn, isHash, isInteger, type RubyHash } from "../../ruby.js";
import { fail, type Scope, typeError, unknownKeysError, within } from "../validator.js";

/** The keys a `healthcheck` accepts. */
export const HEALTHCHECK_KEYS = ["cmd", "path", "port", "interval", "timeout", "retries", "start_period"] as const;

/** When and how often the check runs, as written (a number is seconds, a string a duration such as `5s`). */
export interface HealthcheckTiming {
  readonly interval: number | string | undefined;
  readonly timeout: number | string | undefined;
  readonly retries: number | undefined;
  readonly startPeriod: number | string | undefined;
}

/** A resolved accessory health check: exactly one of the three forms. */
export type AccessoryHealthcheck = HealthcheckTiming &
  (
    | { readonly kind: "cmd"; readonly cmd: string }
    | { readonly kind: "http"; readonly path: string; readonly port: number }
    | { readonly kind: "tcp"; readonly port: number }
  );

/** A duration as Docker's `--health-*` flags take it (Go's syntax: `30s`, `1m30s`, `500ms`). */
const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

/** Seconds of a `healthcheck` duration: a number of seconds or Go's syntax (`5s`, `1m30s`, `500ms`). */
export function durationSeconds(value: number | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number") return value;
  const units: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(amount) * (units[unit!] ?? 0);
  }
  return total;
}

/** Validates an accessory `healthcheck`; `scope` is the `healthcheck` key's own scope. */
export function validateAccessoryHealthcheck(scope: Scope, value: unknown): void {
  if (!isHash(value)) typeError(scope, "Hash");
  const unknown = Object.keys(value).filter((key) => !(HEALTHCHECK_KEYS as readonly string[]).includes(key));
  if (unknown.length > 0) unknownKeysError(scope, unknown);
  if (hasOwn(value, "cmd") && typeof value.cmd !== "string") typeError(within(scope, "cmd"), "String");
  if (hasOwn(value, "path") && typeof value.path !== "string") typeError(within(scope, "path"), "String");
  if (hasOwn(value, "port") && !isPort(value.port)) fail(within(scope, "port"), "should be a port number (1-65535)");
  for (const key of ["interval", "timeout", "start_period"]) {
    if (hasOwn(value, key) && !isDuration(value[key])) {
      fail(within(scope, key), "should be a number of seconds or a duration such as 5s");
    }
  }
  if (hasOwn(value, "retries") && !(isInteger(value.retries) && Number(value.retries) >= 0)) {
    fail(within(scope, "retries"), "should be an integer (0 or more)");
  }
  if (formOf(value) === undefined) {
    fail(scope, "specify one of `cmd`, `path` with `port` (HTTP), or `port` alone (TCP)");
  }
}

/** The health check of a validated `healthcheck` value (undefined when not set). */
export function resolveAccessoryHealthcheck(value: unknown): AccessoryHealthcheck | undefined {
  if (!isHash(value)) return undefined;
  const timing: HealthcheckTiming = {
    interval: value.interval as number | string | undefined,
    timeout: value.timeout as number | string | undefined,
    retries: value.retries === undefined ? undefined : Number(value.retries),
    startPeriod: value.start_period as number | string | undefined,
  };
  switch (formOf(value)) {
    case "cmd":
      return { ...timing, kind: "cmd", cmd: String(value.cmd) };
    case "http":
      return { ...timing, kind: "http", path: String(value.path), port: Number(value.port) };
    case "tcp":
      return { ...timing, kind: "tcp", port: Number(value.port) };
    default:
      return undefined;
  }
}

function formOf(value: RubyHash): "cmd" | "http" | "tcp" | undefined {
  const cmd = hasOwn(value, "cmd");
  const path = hasOwn(value, "path");
  const port = hasOwn(value, "port");
  if (cmd && !path && !port) return "cmd";
  if (!cmd && path && port) return "http";
  if (!cmd && !path && port) return "tcp";
  return undefined;
}

function isPort(value: unknown): boolean {
  return isInteger(value) && Number(value) >= 1 && Number(value) <= 65535;
}

function isDuration(value: unknown): boolean {
  if (isInteger(value)) return Number(value) >= 0;
  return typeof value === "string" && DURATION.test(value);
}
