/**
 * @module
 * Counts the SSH round trips a command used, per host: each exec channel (a command, or a whole `runScript`
 * phase) and each SFTP session opened. Issue 11 measures a deploy by this count (Kamal opens ~31 channels
 * per host per deploy); `-v` prints it at the end of every command (`cli/context.ts`). Kamal has no
 * counterpart. Connection handshakes, keepalives and port forwards are not counted: they are per connection,
 * not per command.
 */

/** The round trips used on one host. */
export interface HostRoundTrips {
  readonly host: string;
  /** Exec channels opened: one per `run`, one per `runScript`. */
  readonly exec: number;
  /** SFTP sessions opened (a session serves every upload of its connection). */
  readonly sftp: number;
}

/** Per-host tallies of exec channels and SFTP sessions, reported in host order. */
export class RoundTripCounter {
  readonly #hosts = new Map<string, { exec: number; sftp: number }>();

  /** One exec channel was opened on `host`. */
  exec(host: string): void {
    this.#tally(host).exec++;
  }

  /** One SFTP session was opened on `host`. */
  sftp(host: string): void {
    this.#tally(host).sftp++;
  }

  /** Every host used so far, ordered by name with numbers compared as numbers (10.0.0.2 before 10.0.0.10). */
  snapshot(): HostRoundTrips[] {
    return [...this.#hosts]
      .map(([host, counts]) => ({ host, ...counts }))
      .sort((a, b) => HOST_ORDER.compare(a.host, b.host));
  }

  #tally(host: string): { exec: number; sftp: number } {
    let counts = this.#hosts.get(host);
    if (!counts) {
      counts = { exec: 0, sftp: 0 };
      this.#hosts.set(host, counts);
    }
    return counts;
  }
}

const HOST_ORDER = new Intl.Collator("en", { numeric: true });
