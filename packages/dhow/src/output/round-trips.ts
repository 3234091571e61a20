/**
 * @module
 * The line `-v` prints when a command ends: how many SSH round trips it used per host,
 * `SSH round trips: 10.0.0.1 23 (21 exec, 2 sftp), 10.0.0.2 22 (21 exec, 1 sftp)`. `npm run bench:deploy`
 * reads it back (test/bench/deploy-output.ts): keep the two in step. dhow only; Kamal prints nothing like it.
 */

/** One host's count (the executor's `HostRoundTrips`). */
export interface RoundTripCount {
  readonly host: string;
  readonly exec: number;
  readonly sftp: number;
}

const ROUND_TRIPS_PREFIX = "SSH round trips: ";

/** The line for these hosts, in the order given; undefined when no host was contacted. */
export function formatRoundTrips(hosts: readonly RoundTripCount[]): string | undefined {
  if (hosts.length === 0) return undefined;
  const parts = hosts.map(({ host, exec, sftp }) => `${host} ${exec + sftp} (${exec} exec, ${sftp} sftp)`);
  return `${ROUND_TRIPS_PREFIX}${parts.join(", ")}`;
}
