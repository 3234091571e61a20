import { describe, expect, it } from "vitest";
import {
  busyCpuSeconds,
  type Cell,
  closingLines,
  type DockerEvent,
  describeTrips,
  dockerWork,
  parseEvents,
  parseRoundTrips,
  type RunResult,
  summarize,
  table,
} from "./deploy-report.js";

const IMAGE = "10.83.0.1:5000/examples/hello:abc123";
const ID = "f00dfeedbeef0123456789abcdef";
const PROXY = "9999aaaabbbbcccc";

function event(action: string, seconds: number, actor: string, attributes: Record<string, string> = {}): DockerEvent {
  return { Type: "container", Action: action, Actor: { ID: actor, Attributes: attributes }, timeNano: seconds * 1e9 };
}

/** What a server's engine reports during a deploy (Kamal's sequence: target = the container's short ID). */
const EVENTS: DockerEvent[] = [
  event("create", 100.0, "0ld", { image: "10.83.0.1:5000/examples/hello:old", name: "hello-web-old" }),
  event("create", 101.25, ID, { image: IMAGE, name: "hello-web-abc123" }),
  event("start", 101.5, ID, { image: IMAGE, name: "hello-web-abc123" }),
  event("exec_start: kamal-proxy list", 101.6, PROXY, { execID: "e0", name: "kamal-proxy" }),
  event("exec_die", 101.61, PROXY, { execID: "e0", name: "kamal-proxy" }),
  event(`exec_start: kamal-proxy deploy hello-web --target="${ID.slice(0, 12)}:3000"`, 102.0, PROXY, {
    execID: "e1",
    name: "kamal-proxy",
  }),
  event("exec_die", 103.125, PROXY, { execID: "e1", name: "kamal-proxy", exitCode: "0" }),
];

function run(tool: RunResult["tool"], seconds: number, total = 4): RunResult {
  return {
    tool,
    seconds,
    cpuSeconds: seconds * 1.5,
    trips: tool === "dhow" ? [{ host: "10.83.0.11", exec: total - 1, sftp: 1 }] : undefined,
    work: [{ startMs: 250, healthMs: 1000 }],
  };
}

function cell(servers: number, delayMs: number, seconds: number[], pullMs = [100]): Cell {
  return { servers, delayMs, runs: seconds.map((s) => run("dhow", s)), bare: { seconds: 1, cpuSeconds: 1.8, pullMs } };
}

describe("busyCpuSeconds", () => {
  it("adds every core's busy fields of /proc/stat (not idle, not iowait) in seconds", () => {
    const stat = "cpu  1000 50 400 9000 30 5 20 7 0 0\ncpu0 500 25 200 4500 15 2 10 3 0 0\n";
    expect(busyCpuSeconds(stat)).toBeCloseTo((1000 + 50 + 400 + 5 + 20 + 7) / 100);
    expect(() => busyCpuSeconds("intr 1 2 3\n")).toThrow(/not \/proc\/stat/);
  });
});

describe("parseRoundTrips", () => {
  it("reads the last `SSH round trips:` line of dhow -v, colours or not", () => {
    const output = [
      "  Finished all in 2.1 seconds",
      "\x1b[2mSSH round trips: 10.83.0.11 23 (21 exec, 2 sftp), 10.83.0.12 21 (21 exec, 0 sftp)\x1b[22m",
      "",
    ].join("\n");
    expect(parseRoundTrips(output)).toEqual([
      { host: "10.83.0.11", exec: 21, sftp: 2 },
      { host: "10.83.0.12", exec: 21, sftp: 0 },
    ]);
    expect(parseRoundTrips("  Finished all in 2.1 seconds\n")).toBeUndefined();
  });
});

describe("dockerWork", () => {
  it("times the new container's create → start and the proxy deploy that targets it", () => {
    const text = EVENTS.map((e) => JSON.stringify(e)).join("\n");
    expect(dockerWork(parseEvents(`${text}\n`), IMAGE)).toEqual({ startMs: 250, healthMs: 1125 });
  });

  it("accepts a target by container name, and says nothing it cannot see", () => {
    const byName = EVENTS.map((e) =>
      e.Action.includes("deploy hello-web")
        ? { ...e, Action: 'exec_start: kamal-proxy deploy hello-web --target="hello-web-abc123:3000"' }
        : e,
    );
    expect(dockerWork(byName, IMAGE).healthMs).toBe(1125);
    expect(dockerWork(EVENTS, "10.83.0.1:5000/examples/hello:other")).toEqual({
      startMs: undefined,
      healthMs: undefined,
    });
  });
});

describe("summaries", () => {
  it("takes medians per tool and the highest per-host round trips", () => {
    const mixed: Cell = {
      servers: 2,
      delayMs: 50,
      runs: [run("dhow", 3), run("kamal", 9), run("dhow", 5, 6), run("kamal", 7), run("dhow", 4)],
      bare: { seconds: 2, cpuSeconds: 3.5, pullMs: [300, 100, 200] },
    };
    expect(summarize(mixed)).toEqual({
      dhow: 4,
      kamal: 8,
      dhowCpu: 6,
      kamalCpu: 12,
      trips: { host: "10.83.0.11", exec: 5, sftp: 1 },
      pullMs: 200,
      startMs: 250,
      healthMs: 1000,
    });
    expect(table([mixed], { withKamal: true })).toEqual([
      "servers  delay  runs  dhow s  kamal s  dhow/kamal  trips/host  pull s  start s  health s  docker floor s  cpu s  kamal cpu s  bare s  bare cpu s  bare/kamal",
      "      2  50 ms     3    4.00     8.00        0.50           6    0.20     0.25      1.00            1.45    6.0         12.0    2.00         3.5        0.25",
    ]);
  });

  it("describes a run's round trips: one figure when every host agrees, else each host", () => {
    expect(describeTrips([{ host: "a", exec: 3, sftp: 1 }])).toBe("4 (3 exec, 1 sftp)");
    expect(
      describeTrips([
        { host: "a", exec: 5, sftp: 1 },
        { host: "b", exec: 3, sftp: 0 },
      ]),
    ).toBe("3-6 (6 on a, 3 on b)");
    expect(
      describeTrips([
        { host: "a", exec: 26, sftp: 1 },
        { host: "b", exec: 24, sftp: 1 },
        { host: "c", exec: 24, sftp: 1 },
      ]),
    ).toBe("25-27 (27 on a, 25 on 2 hosts)");
    expect(describeTrips(undefined)).toBe("-");
  });

  it("ends with the three figures of the README", () => {
    const cells = [cell(1, 0, [2, 2.2, 2.4]), cell(1, 100, [5.2]), cell(10, 0, [6.6]), cell(10, 100, [9])];
    expect(closingLines(cells)).toEqual([
      "round trips per host per deploy: 4",
      "10-servers/1-server: 3.00",
      "100ms-0ms extra seconds: 3.00",
    ]);
  });

  it("says n/a for a figure the subset does not measure", () => {
    expect(closingLines([cell(2, 0, [3]), cell(2, 50, [4])])).toEqual([
      "round trips per host per deploy: 4",
      "10-servers/1-server: n/a",
      "100ms-0ms extra seconds: n/a",
    ]);
  });
});
