/**
 * @module
 * Latency on every server's link. With sch_netem: `tc qdisc … netem delay` on the host end of each server's
 * veth. Without it (this machine's kernel has no netem): an iptables NFQUEUE rule in each server namespace
 * for packets to the infrastructure range (host, registry, builder) and delayer.py holding them.
 */
import { spawn } from "node:child_process";
import { existsSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { killCgroup, procsFiles } from "./cgroups.js";
import { run, sleep } from "./exec.js";
import { type Layout, netnsName, SOURCE_DIR, vethName } from "./layout.js";

/** How a delay was applied. */
export type DelayMode = "netem" | "nfqueue";

/** Adds `ms` of round-trip latency between each server and the host side; 0 removes it. */
export async function setDelay(layout: Layout, servers: readonly string[], ms: number): Promise<DelayMode | undefined> {
  await clearDelay(layout, servers);
  if (ms <= 0) return undefined;
  const first = servers[0];
  if (first === undefined) return undefined;
  const netem = run("tc", ["qdisc", "add", "dev", vethName(layout, first), "root", "netem", "delay", `${ms}ms`], {
    allowFailure: true,
  });
  if (netem.code === 0) {
    for (const server of servers.slice(1)) {
      run("tc", ["qdisc", "replace", "dev", vethName(layout, server), "root", "netem", "delay", `${ms}ms`]);
    }
    writeFileSync(delayFile(layout), JSON.stringify({ ms, mode: "netem" }));
    return "netem";
  }
  if (!existsSync("/usr/bin/python3")) {
    throw new Error("this kernel has no sch_netem, and the NFQUEUE fallback needs python3: apt-get install -y python3");
  }
  for (const server of servers) {
    run("ip", [
      "netns",
      "exec",
      netnsName(layout, server),
      "iptables",
      "-w",
      "-t",
      "mangle",
      ...nfqueueRule(layout, "-A"),
    ]);
  }
  const log = openSync(join(layout.stateDir, "delayer.log"), "w");
  const paths = servers.map((server) => `/run/netns/${netnsName(layout, server)}`);
  const launcher = 'for f in $CGROUP_PROCS; do mkdir -p "${f%/*}" && echo $$ > "$f"; done; exec "$@"';
  const child = spawn(
    "sh",
    ["-c", launcher, "sh", "/usr/bin/python3", join(SOURCE_DIR, "delayer.py"), String(ms), ...paths],
    {
      detached: true,
      stdio: ["ignore", log, log],
      env: { ...process.env, CGROUP_PROCS: procsFiles(layout.prefix, "delay").join(" ") },
    },
  );
  child.unref();
  await sleep(300);
  if (child.exitCode !== null || !isAlive(child.pid)) {
    throw new Error(`the delayer did not start: ${readFileSync(join(layout.stateDir, "delayer.log"), "utf8")}`);
  }
  writeFileSync(delayFile(layout), JSON.stringify({ ms, mode: "nfqueue", pid: child.pid }));
  return "nfqueue";
}

/** The current delay, if any. */
export function currentDelay(layout: Layout): { ms: number; mode: DelayMode } | undefined {
  if (!existsSync(delayFile(layout))) return undefined;
  return JSON.parse(readFileSync(delayFile(layout), "utf8")) as { ms: number; mode: DelayMode };
}

/** Removes any delay: the delayer process, the NFQUEUE rules, the netem qdiscs. */
export async function clearDelay(layout: Layout, servers: readonly string[]): Promise<void> {
  await killCgroup(layout.prefix, "delay");
  for (const server of servers) {
    run("tc", ["qdisc", "del", "dev", vethName(layout, server), "root"], { allowFailure: true });
    const ns = netnsName(layout, server);
    if (!existsSync(`/run/netns/${ns}`)) continue;
    for (let i = 0; i < 10; i++) {
      const gone = run("ip", ["netns", "exec", ns, "iptables", "-w", "-t", "mangle", ...nfqueueRule(layout, "-D")], {
        allowFailure: true,
      });
      if (gone.code !== 0) break;
    }
  }
  rmSync(delayFile(layout), { force: true });
}

function nfqueueRule(layout: Layout, action: "-A" | "-D"): string[] {
  return [
    action,
    "OUTPUT",
    "-o",
    "eth0",
    "-d",
    `${layout.net}.0/29`,
    "-j",
    "NFQUEUE",
    "--queue-num",
    "0",
    "--queue-bypass",
  ];
}

function delayFile(layout: Layout): string {
  return join(layout.stateDir, "delay.json");
}

function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
