/**
 * @module
 * Runs work on several hosts in parallel (bounded), lets every host finish, and only then reports: one
 * failure is rethrown as is, several become one MultiHostError (Kamal's "Exceptions on N hosts:").
 */
import { DhowError } from "../errors.js";
import { Semaphore } from "./semaphore.js";

/** Options of `onHosts`. */
export interface OnHostsOptions {
  /** At most this many hosts at once (default: all of them, as SSHKit's parallel runner). */
  readonly limit?: number;
}

/** One host's failure inside a MultiHostError. */
export interface HostFailure {
  readonly host: string;
  readonly error: unknown;
}

/** Several hosts failed. The message has one line per host; `failures` keeps each error. */
export class MultiHostError extends DhowError {
  readonly failures: readonly HostFailure[];
  constructor(failures: readonly HostFailure[]) {
    super([`Exceptions on ${failures.length} hosts:`, ...failures.map(failureLine)].join("\n"), {
      cause: failures[0]?.error,
    });
    this.failures = failures;
  }
}

/**
 * Runs `fn(host)` for every host, at most `limit` at a time, and resolves with the results in host order.
 * Every host settles before anything is thrown.
 */
export async function onHosts<T>(
  hosts: readonly string[],
  fn: (host: string) => Promise<T>,
  { limit = Number.POSITIVE_INFINITY }: OnHostsOptions = {},
): Promise<T[]> {
  const slots = new Semaphore(Math.max(1, Math.min(limit, hosts.length || 1)));
  const settled = await Promise.allSettled(hosts.map((host) => slots.use(() => fn(host))));
  const failures: HostFailure[] = [];
  const results: T[] = [];
  settled.forEach((outcome, i) => {
    if (outcome.status === "fulfilled") results.push(outcome.value);
    else failures.push({ host: hosts[i]!, error: outcome.reason });
  });
  if (failures.length === 1) throw failures[0]!.error;
  if (failures.length > 1) throw new MultiHostError(failures);
  return results;
}

/** `<first line of the message>`, prefixed with the host when the message does not name it. */
function failureLine({ host, error }: HostFailure): string {
  const message = error instanceof Error ? error.message : String(error);
  const first = message.split("\n", 1)[0] ?? "";
  return first.includes(host) ? first : `${host}: ${first}`;
}
