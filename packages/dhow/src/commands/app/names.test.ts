import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createConfig } from "../../config/config.js";
import type { RawConfig } from "../../config/raw-config.js";
import { staticSecrets } from "../../secrets/secrets.js";
import { render } from "../command.js";
import { run } from "./core.js";
import {
  ensureNamesNetwork,
  joinNames,
  joinOwnNetworks,
  JOIN_SETTLE_SECONDS,
  LEAVE_GRACE_SECONDS,
  leaveNames,
  stableAliases,
} from "./names.js";

function target(role: Record<string, unknown> = {}, destination?: string) {
  const config = createConfig(
    {
      service: "shop",
      image: "dhh/shop",
      registry: { username: "u", password: "p" },
      servers: { web: ["1.1.1.1"], workers: { hosts: ["1.1.1.1"], ...role } },
    } as unknown as RawConfig,
    { version: "999", secrets: staticSecrets({}), cwd: "/project", ...(destination ? { destination } : {}) },
  );
  return { config, role: config.role("workers")!, host: "1.1.1.1" };
}

/**
 * Runs a rendered command with a fake `docker` first on PATH: `inspect` prints what `networks` says for the
 * container (the `--format` template is evaluated for the two networks only), everything else is logged.
 */
function runWithFakeDocker(
  command: string,
  networks: Record<string, string[]>,
  failing: string[] = [],
  /** How many times `ss -tn state established` lists an open connection before it lists none. */
  openPolls = 0,
  /** Whether `ss -tan` lists a socket on the old container's address (its stable name was in use). */
  used = false,
) {
  const dir = mkdtempSync(join(tmpdir(), "dhow-names-"));
  const log = join(dir, "log");
  writeFileSync(log, "");
  writeFileSync(join(dir, "open"), `${openPolls}\n`);
  // Each container's kamal address: 172.18.0.9, 172.18.0.10, … in the order given; the containers on kamal are
  // c1 and c2 (processes 101 and 102).
  const inspect = Object.entries(networks)
    .map(
      ([name, nets], index) =>
        `  *" ${name}") case "$*" in *'and (index'*) echo "${nets.includes("dhow") && nets.includes("kamal") ? "yes" : "no"} 4242 172.18.0.${9 + index}" ;; *State.Pid*) echo 4242 ;; *IPAddress*) echo 172.18.0.${9 + index} ;; *'and (index'*) ${nets.includes("dhow") && nets.includes("kamal") ? "echo yes" : ":"} ;; *) ${nets.includes("dhow") ? "echo on" : "echo off"} ;; esac; exit 0 ;;`,
    )
    .concat(`  *"State.Pid"*" c1 c2") echo 101; echo 102; exit 0 ;;`)
    .join("\n");
  const fail = failing.map((pattern) => `  *"${pattern}"*) echo "Error: $*" >&2; exit 1 ;;`).join("\n");
  writeFileSync(
    join(dir, "docker"),
    `#!/bin/sh\necho "$*" >> ${log}\ncase "$*" in\n  "network inspect --format"*" kamal") echo "c1 c2 "; exit 0 ;;\nesac\ncase "$1 $2" in\n  "network inspect") exit 1 ;;\nesac\nif [ "$1" = inspect ]; then case "$*" in\n${inspect}\n  *) exit 1 ;;\nesac; fi\ncase "$*" in\n${fail}\nesac\nexit 0\n`,
  );
  chmodSync(join(dir, "docker"), 0o755);
  writeFileSync(
    join(dir, "nsenter"),
    `#!/bin/sh\necho "nsenter $*" >> ${log}\ncase "$*" in *"ss -tan src"*)\n  echo "State Recv-Q Send-Q Local Address:Port Peer Address:Port"\n  ${used ? 'echo "TIME-WAIT 0 0 172.18.0.9:3000 172.18.0.5:40000"' : ":"} ;;\n*"ss -tn state established"*)\n  echo "Recv-Q Send-Q Local Address:Port Peer Address:Port"\n  n=$(cat ${dir}/open); if [ "$n" -gt 0 ]; then echo "0 0 172.18.0.9:3000 172.18.0.5:40000"; echo $((n - 1)) > ${dir}/open; fi ;;\nesac\n`,
  );
  chmodSync(join(dir, "nsenter"), 0o755);
  let status = 0;
  try {
    execFileSync("sh", ["-c", command], { env: { ...process.env, PATH: `${dir}:${process.env.PATH}` }, stdio: "pipe" });
  } catch (error) {
    status = (error as { status: number }).status;
  }
  const calls = readFileSync(log, "utf8").trim().split("\n").filter(Boolean);
  return {
    status,
    calls: calls.filter((line) => !line.startsWith("inspect")),
    inspects: calls.filter((line) => line.startsWith("inspect")),
  };
}

describe("stable names", () => {
  it("starts a role's container on the dhow network, its own network options left for docker network connect", () => {
    const t = target({ options: { network: "custom", "network-alias": "jobs", cpus: 2 } });
    const line = render(run(t, { hostname: "h", stableNames: true }));
    expect(line).toContain("--name shop-workers-999 --network dhow --hostname h ");
    expect(line).not.toContain("custom");
    expect(line).not.toContain("jobs");
    expect(line).toContain('--cpus "2"');
    // Kamal's command is unchanged without stableNames.
    expect(render(run(t, { hostname: "h" }))).toContain("--network kamal --hostname h");
    expect(render(run(t, { hostname: "h" }))).toContain('--network "custom" --network-alias "jobs"');
  });

  it("adds --add-host entries for accessories on other hosts", () => {
    const line = render(
      run(target(), { stableNames: true, extraHosts: [{ name: "shop-redis", address: "10.0.0.2" }] }),
    );
    expect(line).toContain("--network dhow --add-host shop-redis:10.0.0.2 --env");
  });

  it("joins kamal with the stable name and the role's own aliases, and its own networks with its aliases", () => {
    const t = target({ options: { network: "custom", "network-alias": ["jobs", "shop-workers"] } });
    expect(stableAliases(t)).toEqual(["shop-workers", "jobs"]);
    expect(render(joinNames(t))).toBe(
      "docker network connect --alias shop-workers --alias jobs kamal shop-workers-999",
    );
    expect(joinOwnNetworks(t).map(render)).toEqual([
      "docker network connect --alias jobs --alias shop-workers custom shop-workers-999",
    ]);
    expect(joinOwnNetworks(target()).map(render)).toEqual([]);
  });

  it("names a destination's role with the destination", () => {
    expect(render(joinNames(target({}, "staging")))).toBe(
      "docker network connect --alias shop-workers-staging kamal shop-workers-staging-999",
    );
  });

  it("refuses new connections and resets the open ones on an old container's kamal address, then takes it off kamal, only when it also has the dhow network", () => {
    const command = render(leaveNames(target(), { version: "OLD" }));
    const { inspects, ...both } = runWithFakeDocker(command, { "shop-workers-OLD": ["dhow", "kamal"] });
    // One inspect of the old container answers whether it is on both networks, its process and its address.
    expect(inspects).toHaveLength(1);
    // New connections on its kamal address are refused; with none open it leaves at once (no grace to wait),
    // the open ones would be reset (Docker would leave them hanging).
    const ss = "nsenter -t 4242 -n ss -tn state established src 172.18.0.9";
    expect(both).toEqual({
      status: 0,
      calls: [
        // Nothing used its address (no socket on it): no settling after the new container joined.
        "nsenter -t 4242 -n ss -tan src 172.18.0.9",
        "nsenter -t 4242 -n iptables -I INPUT -d 172.18.0.9 -p tcp --syn -j REJECT --reject-with tcp-reset",
        ss,
        "nsenter -t 4242 -n ss -K state established src 172.18.0.9",
        "network disconnect kamal shop-workers-OLD",
      ],
    });
    // A connection open: polled every 0.1 s until it closed (here after 3 polls) ...
    const open = runWithFakeDocker(command, { "shop-workers-OLD": ["dhow", "kamal"] }, [], 3);
    expect(open.calls.filter((call) => call === ss)).toHaveLength(4);
    // ... or for LEAVE_GRACE_SECONDS at most, then reset.
    const started = Date.now();
    const stuck = runWithFakeDocker(command, { "shop-workers-OLD": ["dhow", "kamal"] }, [], 1000);
    expect(stuck.calls.filter((call) => call === ss)).toHaveLength(LEAVE_GRACE_SECONDS * 10);
    expect(stuck.calls.at(-2)).toBe("nsenter -t 4242 -n ss -K state established src 172.18.0.9");
    expect(Date.now() - started).toBeGreaterThanOrEqual(LEAVE_GRACE_SECONDS * 900);
    // Started by Kamal (kamal only): it holds no stable name and must keep its only network.
    expect(runWithFakeDocker(command, { "shop-workers-OLD": ["kamal"] })).toMatchObject({ status: 0, calls: [] });
    // Gone already: nothing to do.
    expect(runWithFakeDocker(command, {})).toMatchObject({ status: 0, calls: [] });
  });

  it("when the old container's kamal address was in use, keeps it accepting for a moment after the new one joined and makes the containers on kamal forget an unanswered ARP lookup of the new address", () => {
    const command = render(leaveNames(target(), { version: "OLD" }));
    const networks = { "shop-workers-OLD": ["dhow", "kamal"], "shop-workers-999": ["dhow", "kamal"] };
    const started = Date.now();
    const { inspects: _, ...used } = runWithFakeDocker(command, networks, [], 0, true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(JOIN_SETTLE_SECONDS * 900);
    const forget = (pid: number, state: string) => `nsenter -t ${pid} -n ip neigh flush to 172.18.0.10 nud ${state}`;
    expect(used).toEqual({
      status: 0,
      calls: [
        "nsenter -t 4242 -n ss -tan src 172.18.0.9",
        "network inspect --format {{range $id, $c := .Containers}}{{$id}} {{end}} kamal",
        forget(101, "incomplete"),
        forget(101, "failed"),
        forget(102, "incomplete"),
        forget(102, "failed"),
        "nsenter -t 4242 -n iptables -I INPUT -d 172.18.0.9 -p tcp --syn -j REJECT --reject-with tcp-reset",
        "nsenter -t 4242 -n ss -tn state established src 172.18.0.9",
        "nsenter -t 4242 -n ss -K state established src 172.18.0.9",
        "network disconnect kamal shop-workers-OLD",
      ],
    });
    // The new container gone meanwhile (no address): nothing to forget, the settling still happens.
    const gone = runWithFakeDocker(command, { "shop-workers-OLD": ["dhow", "kamal"] }, [], 0, true);
    expect(gone.calls.filter((call) => call.includes("neigh"))).toEqual([]);
    expect(gone.calls.at(-1)).toBe("network disconnect kamal shop-workers-OLD");
  });

  it("creates the dhow network and connects only the containers not on it yet; a failed connect fails the step", () => {
    const command = render(ensureNamesNetwork(["kamal-proxy", "shop-redis", "shop-db"]));
    const result = runWithFakeDocker(command, { "kamal-proxy": ["kamal"], "shop-redis": ["kamal", "dhow"] });
    expect(result).toMatchObject({
      status: 0,
      calls: ["network inspect dhow", "network create dhow", "network connect dhow kamal-proxy"],
    });
    const failed = runWithFakeDocker(command, { "kamal-proxy": ["kamal"], "shop-redis": ["kamal"] }, [
      "connect dhow kamal-proxy",
    ]);
    expect(failed.status).not.toBe(0);
    expect(failed.calls).not.toContain("network connect dhow shop-redis");
  });
});
