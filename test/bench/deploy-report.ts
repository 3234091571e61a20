/**
 * @module
 * The pure half of `npm run bench:deploy`: reads the round-trip line `dhow -v` prints, turns each server's
 * `docker events` into the Docker work of a deploy (container start, proxy health check + switch), and
 * prints the table and the closing figures. No I/O here, so it is unit-tested (deploy-report.test.ts).
 */

/** One host's round trips, as `dhow -v` prints them (packages/dhow/src/output/round-trips.ts). */
export interface HostTrips {
  readonly host: string;
  readonly exec: number;
  readonly sftp: number;
}

/** The counts of the last `SSH round trips: …` line of dhow's output; undefined when it printed none. */
export function parseRoundTrips(output: string): HostTrips[] | undefined {
  const line = output
    .split("\n")
    .map((text) => text.replace(/\x1b\[[0-9;]*m/g, "").trim())
    .filter((text) => text.startsWith("SSH round trips: "))
    .at(-1);
  if (line === undefined) return undefined;
  return [...line.matchAll(/(\S+) (\d+) \((\d+) exec, (\d+) sftp\)/g)].map((match) => ({
    host: match[1]!,
    exec: Number(match[3]),
    sftp: Number(match[4]),
  }));
}

/** One `docker events --format '{{json .}}'` record (the fields used here). */
export interface DockerEvent {
  readonly Type: string;
  readonly Action: string;
  readonly Actor: { readonly ID: string; readonly Attributes?: Readonly<Record<string, string>> };
  readonly timeNano: number;
}

/** Parses `docker events --format '{{json .}}'` output (one JSON object a line). */
export function parseEvents(text: string): DockerEvent[] {
  return text
    .split("\n")
    .filter((line) => line.trim().startsWith("{"))
    .map((line) => JSON.parse(line) as DockerEvent);
}

/** The Docker work of one deploy on one server, in ms (undefined: the events do not show it). */
export interface DockerWork {
  /** `docker run` of the new container: its `create` event to its `start` event. */
  readonly startMs: number | undefined;
  /**
   * `kamal-proxy deploy` inside the proxy container: exec start to exec end, i.e. the proxy's health checks
   * of the new container until it passes, plus the switch of traffic to it.
   */
  readonly healthMs: number | undefined;
}

/**
 * The Docker work of the deploy that ran `image` (the new version), from that server's events: the first
 * container created from it (whatever its name), and the `kamal-proxy deploy` that targets that container.
 */
export function dockerWork(events: readonly DockerEvent[], image: string): DockerWork {
  const created = events.find(
    (e) => e.Type === "container" && e.Action === "create" && e.Actor.Attributes?.["image"] === image,
  );
  const id = created?.Actor.ID;
  const container = created?.Actor.Attributes?.["name"];
  const started = events.find((e) => e.Type === "container" && e.Action === "start" && e.Actor.ID === id);
  // Kamal targets the container's short ID (`--target="<cid>:3000"`); a name is accepted too.
  const targets = (action: string) => {
    const target = /--target="?([^":\s]+):/.exec(action)?.[1];
    return target !== undefined && (target === container || id?.startsWith(target) === true);
  };
  const deploy = events.find(
    (e) =>
      e.Type === "container" &&
      e.Action.startsWith("exec_start: ") &&
      /\bkamal-proxy deploy\b/.test(e.Action) &&
      targets(e.Action),
  );
  const execId = deploy?.Actor.Attributes?.["execID"];
  const ended = deploy
    ? events.find(
        (e) =>
          e.Type === "container" &&
          e.Action === "exec_die" &&
          e.Actor.ID === deploy.Actor.ID &&
          e.timeNano >= deploy.timeNano &&
          (execId === undefined || e.Actor.Attributes?.["execID"] === execId),
      )
    : undefined;
  return {
    startMs: created && started ? (started.timeNano - created.timeNano) / 1e6 : undefined,
    healthMs: deploy && ended ? (ended.timeNano - deploy.timeNano) / 1e6 : undefined,
  };
}

/** The middle value (mean of the two middle ones for an even count); undefined for none. */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The machine's busy CPU time so far, in seconds, from the first line of /proc/stat: user, nice, system, irq,
 * softirq and steal of every core, in USER_HZ (100 a second on Linux).
 */
export function busyCpuSeconds(procStat: string): number {
  const fields = (procStat.split("\n", 1)[0] ?? "").trim().split(/\s+/);
  if (fields[0] !== "cpu") throw new Error(`not /proc/stat: ${fields[0] ?? ""}`);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields.slice(1).map(Number);
  return (user + nice + system + irq + softirq + steal) / 100;
}

/** One timed deploy. */
export interface RunResult {
  readonly tool: "dhow" | "kamal";
  readonly seconds: number;
  /** The whole machine's busy CPU seconds during the run (every process: the tool, sshd, Docker, the apps). */
  readonly cpuSeconds: number;
  /** Per host; undefined for Kamal (it prints no count). */
  readonly trips: readonly HostTrips[] | undefined;
  /** Per host. */
  readonly work: readonly DockerWork[];
}

/**
 * The bare deploy of a cell: a fresh version deployed by the bench itself on every server at once, straight on
 * each server's engine (no SSH, no tool, no lock, login, tag or prune): pull, `docker run`, `kamal-proxy deploy`,
 * stop the old container. The least any tool can take for the same switch on this machine.
 */
export interface BareDeploy {
  readonly seconds: number;
  readonly cpuSeconds: number;
  /** Each server's pull, timed on its engine (ms). */
  readonly pullMs: readonly number[];
}

/** One cell of the matrix: a server count and an added RTT, its runs, and the bare deploy after them. */
export interface Cell {
  readonly servers: number;
  readonly delayMs: number;
  readonly runs: readonly RunResult[];
  readonly bare: BareDeploy;
}

/** Medians of a cell, per tool. */
export interface CellSummary {
  readonly dhow: number | undefined;
  readonly kamal: number | undefined;
  /** The machine's busy CPU seconds per run (median), per tool. */
  readonly dhowCpu: number | undefined;
  readonly kamalCpu: number | undefined;
  /** Highest per-host round-trip count of any dhow run (exec + sftp), and its split. */
  readonly trips: HostTrips | undefined;
  readonly pullMs: number | undefined;
  readonly startMs: number | undefined;
  readonly healthMs: number | undefined;
}

/** The cell's medians; Docker work over every host of every run (dhow's and Kamal's). */
export function summarize(cell: Cell): CellSummary {
  const seconds = (tool: RunResult["tool"]) => median(cell.runs.filter((r) => r.tool === tool).map((r) => r.seconds));
  const cpu = (tool: RunResult["tool"]) => median(cell.runs.filter((r) => r.tool === tool).map((r) => r.cpuSeconds));
  const trips = cell.runs
    .flatMap((r) => r.trips ?? [])
    .reduce<HostTrips | undefined>(
      (worst, t) => (worst === undefined || t.exec + t.sftp > worst.exec + worst.sftp ? t : worst),
      undefined,
    );
  const work = cell.runs.flatMap((r) => r.work);
  const defined = (values: (number | undefined)[]) => values.filter((v): v is number => v !== undefined);
  return {
    dhow: seconds("dhow"),
    kamal: seconds("kamal"),
    dhowCpu: cpu("dhow"),
    kamalCpu: cpu("kamal"),
    trips,
    pullMs: median(cell.bare.pullMs),
    startMs: median(defined(work.map((w) => w.startMs))),
    healthMs: median(defined(work.map((w) => w.healthMs))),
  };
}

/**
 * The round trips of one run: `23 (21 exec, 2 sftp)` when every host used the same, else the range and which
 * hosts used how many, most first: `25-27 (27 on 10.0.0.1, 25 on 9 hosts)`.
 */
export function describeTrips(trips: readonly HostTrips[] | undefined): string {
  if (!trips || trips.length === 0) return "-";
  const byTotal = new Map<number, string[]>();
  for (const t of trips) byTotal.set(t.exec + t.sftp, [...(byTotal.get(t.exec + t.sftp) ?? []), t.host]);
  const totals = [...byTotal.keys()].sort((a, b) => b - a);
  if (totals.length === 1) return `${totals[0]} (${trips[0]!.exec} exec, ${trips[0]!.sftp} sftp)`;
  const groups = totals.map((total) => {
    const hosts = byTotal.get(total)!;
    return `${total} on ${hosts.length === 1 ? hosts[0] : `${hosts.length} hosts`}`;
  });
  return `${totals.at(-1)}-${totals[0]} (${groups.join(", ")})`;
}

const s = (value: number | undefined, digits = 2) => (value === undefined ? "-" : value.toFixed(digits));

/** The matrix as a table, one line per cell. */
export function table(cells: readonly Cell[], { withKamal }: { withKamal: boolean }): string[] {
  const header = [
    "servers",
    "delay",
    "runs",
    "dhow s",
    ...(withKamal ? ["kamal s", "dhow/kamal"] : []),
    "trips/host",
    "pull s",
    "start s",
    "health s",
    "docker floor s",
    "cpu s",
    ...(withKamal ? ["kamal cpu s"] : []),
    "bare s",
    "bare cpu s",
    ...(withKamal ? ["bare/kamal"] : []),
  ];
  const rows = cells.map((cell) => {
    const sum = summarize(cell);
    const floor =
      sum.pullMs !== undefined && sum.startMs !== undefined && sum.healthMs !== undefined
        ? (sum.pullMs + sum.startMs + sum.healthMs) / 1000
        : undefined;
    return [
      String(cell.servers),
      `${cell.delayMs} ms`,
      String(cell.runs.filter((r) => r.tool === "dhow").length),
      s(sum.dhow),
      ...(withKamal
        ? [s(sum.kamal), sum.dhow !== undefined && sum.kamal ? (sum.dhow / sum.kamal).toFixed(2) : "-"]
        : []),
      sum.trips ? String(sum.trips.exec + sum.trips.sftp) : "-",
      s(sum.pullMs === undefined ? undefined : sum.pullMs / 1000),
      s(sum.startMs === undefined ? undefined : sum.startMs / 1000),
      s(sum.healthMs === undefined ? undefined : sum.healthMs / 1000),
      s(floor),
      s(sum.dhowCpu, 1),
      ...(withKamal ? [s(sum.kamalCpu, 1)] : []),
      s(cell.bare.seconds),
      s(cell.bare.cpuSeconds, 1),
      ...(withKamal ? [sum.kamal ? (cell.bare.seconds / sum.kamal).toFixed(2) : "-"] : []),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cols: readonly string[]) => cols.map((c, i) => c.padStart(widths[i]!)).join("  ");
  return [line(header), ...rows.map(line)];
}

/**
 * The closing lines (README "Figures"):
 * - `round trips per host per deploy: N`: the most round trips any host used in any timed dhow deploy;
 * - `10-servers/1-server: X.XX`: dhow's median at 10 servers over its median at 1 server, at the lowest delay
 *   both were run at;
 * - `100ms-0ms extra seconds: Y.YY`: dhow's median at 100 ms minus its median at 0 ms, at the fewest servers
 *   both delays were run with.
 * A figure the chosen subset cannot give is `n/a`.
 */
export function closingLines(cells: readonly Cell[]): string[] {
  const totals = cells.flatMap((c) => c.runs.flatMap((r) => (r.trips ?? []).map((t) => t.exec + t.sftp)));
  const dhowMedian = (servers: number, delayMs: number) => {
    const cell = cells.find((c) => c.servers === servers && c.delayMs === delayMs);
    return cell ? summarize(cell).dhow : undefined;
  };
  const delays = [...new Set(cells.map((c) => c.delayMs))].sort((a, b) => a - b);
  const servers = [...new Set(cells.map((c) => c.servers))].sort((a, b) => a - b);
  let scale: string = "n/a";
  for (const delay of delays) {
    const ten = dhowMedian(10, delay);
    const one = dhowMedian(1, delay);
    if (ten !== undefined && one) {
      scale = (ten / one).toFixed(2);
      break;
    }
  }
  let extra: string = "n/a";
  for (const count of servers) {
    const slow = dhowMedian(count, 100);
    const fast = dhowMedian(count, 0);
    if (slow !== undefined && fast !== undefined) {
      extra = (slow - fast).toFixed(2);
      break;
    }
  }
  return [
    `round trips per host per deploy: ${totals.length ? Math.max(...totals) : "n/a"}`,
    `10-servers/1-server: ${scale}`,
    `100ms-0ms extra seconds: ${extra}`,
  ];
}
