/**
 * @module
 * The non-deterministic inputs some command strings depend on (clock, randomness, who is deploying,
 * whether stdin is a terminal). Builders never read them from the environment: callers pass a `Facts`.
 */

/** Inputs from the outside world that appear in commands. */
export interface Facts {
  /** The current time (audit lines, hook env, lock details). */
  now(): Date;
  /** `bytes` random bytes as lowercase hex (exec container names, renamed containers). */
  randomHex(bytes: number): string;
  /** Whether stdin is a terminal (`docker exec -it` versus `-i`). */
  stdinIsTty(): boolean;
  /** The performer in audit lines and hooks: git user.email, else the login name (`whoami`). */
  performer(): string;
  /** The lock holder's name: git user.name; undefined when git is not installed (shown as `Unknown`). */
  gitUserName(): string | undefined;
}

/** `Time.now.utc.iso8601`: `2025-01-15T10:30:00Z` (no fraction). */
export function iso8601(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
