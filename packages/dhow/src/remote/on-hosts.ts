/**
 * @module
 * Runs work on several hosts in parallel (bounded), lets every host finish, and only then reports: one
 * failure is rethrown as is, several become one MultiHostError (Kamal's "Exceptions on N hosts:"), which
 * keeps each host's reason (the meaningful lines after its headline, e.g. Docker's stderr).
 */
import { DhowError } from "../errors.js";
import { CommandFailedError } from "./executor.js";
import { Semaphore } from "./semaphore.js";

export interface OnHostsOptions {
  /** At most this many hosts at once (default: all of them, as SSHKit's parallel runner). */
  readonly limit?: number;
}

/** One host's failure inside a MultiHostError. */
export interface HostFailure {
  readonly host: string;
  readonly error: unknown;
}

/**
 * Several hosts failed. The message has each host's headline and, indented below it, that host's reason;
 * `failures` keeps each error.
 */
export class MultiHostError extends DhowError {
  readonly failures: readonly HostFailure[];
  constructor(failures: readonly HostFailure[]) {
    super([`Exceptions on ${failures.length} hosts:`, ...failures.flatMap(failureLines)].join("\n"), {
      cause: failures[0]?.error,
    });
    this.failures = failures;
  }
}

/** One unit of per-host work for `settle`: the host it is reported under, and the work. */
export interface HostTask<T> {
  readonly host: string;
  run(): Promise<T>;
}

/**
 * Runs every task (at most `limit` at once), lets all of them finish, then reports (Kamal's `CompleteAll`):
 * one failure is rethrown as is, several become one MultiHostError. Resolves with the results in task
 * order. The one place that settles work on several hosts: `onHosts`, boot groups and per-role runs use it.
 */
export async function settle<T>(
  tasks: readonly HostTask<T>[],
  { limit = Number.POSITIVE_INFINITY }: OnHostsOptions = {},
): Promise<T[]> {
  const slots = new Semaphore(Math.max(1, Math.min(limit, tasks.length || 1)));
  const settled = await Promise.allSettled(tasks.map((task) => slots.use(() => task.run())));
  const failures: HostFailure[] = [];
  const results: T[] = [];
  settled.forEach((outcome, i) => {
    if (outcome.status === "fulfilled") results.push(outcome.value);
    else failures.push({ host: tasks[i]!.host, error: outcome.reason });
  });
  raiseFailures(failures);
  return results;
}

/** After everything settled: nothing for no failure, one failure rethrown as is, several as MultiHostError. */
export function raiseFailures(failures: readonly HostFailure[]): void {
  if (failures.length === 1) throw failures[0]!.error;
  if (failures.length > 1) throw new MultiHostError(failures);
}

/** Runs `fn(host)` for every host through `settle`; resolves with the results in host order. */
export function onHosts<T>(
  hosts: readonly string[],
  fn: (host: string) => Promise<T>,
  options: OnHostsOptions = {},
): Promise<T[]> {
  return settle(
    hosts.map((host) => ({ host, run: () => fn(host) })),
    options,
  );
}

/** At most this many reason lines per host in a MultiHostError (the last ones: Docker ends with its error). */
export const MAX_REASON_LINES = 5;

/**
 * A host's headline (its message's first line, prefixed with the host when it does not name it) and, indented
 * below it, the meaningful lines of the rest (a command's stderr): `Error response from daemon: manifest for …
 * not found: manifest unknown` stays, blank lines and Docker's usage hints go.
 */
function failureLines({ host, error }: HostFailure): string[] {
  if (error instanceof CommandFailedError) {
    return [error.headline, ...reasonLines(error.stderr.split("\n")).map((line) => `  ${line}`)];
  }
  const message = error instanceof Error ? error.message : String(error);
  const [first = "", ...rest] = message.split("\n");
  const headline = first.includes(host) ? first : `${host}: ${first}`;
  return [headline, ...reasonLines(rest).map((line) => `  ${line}`)];
}

/** The meaningful lines of a failure's detail, the last MAX_REASON_LINES of them, with a count of the rest. */
export function reasonLines(lines: readonly string[]): string[] {
  const meaningful = lines.map((line) => line.trimEnd()).filter((line) => !NOISE.some((noise) => noise.test(line)));
  if (meaningful.length <= MAX_REASON_LINES) return meaningful;
  const kept = meaningful.slice(-MAX_REASON_LINES);
  return [`… (${meaningful.length - kept.length} earlier lines)`, ...kept];
}

/** Lines that say nothing about why a command failed. */
const NOISE: readonly RegExp[] = [
  /^\s*$/,
  // `docker run` and friends end their errors with a usage hint.
  /^See '[^']*--help'\.?$/,
  /^Run '[^']*--help' for more information\.?$/,
  // `docker login -p` warns on every call, failed or not.
  /^WARNING! Using --password via the CLI is insecure\./,
];
