/**
 * @module
 * The multi-host sandbox: N "servers" on this machine, each a network namespace with its own IP, sshd and
 * Docker engine, plus Debian's docker-registry (plain HTTP) on the host and a builder engine for
 * `docker build`/`docker push`. See ../../../shared/spec/sandbox.md for the measurements behind the design.
 *
 *   host:    <prefix>0 bridge <net>.1   ← ssh client, registry :5000
 *            ├─ <prefix>v-builder → netns <prefix>-builder  <net>.2   dockerd (build/push)
 *            ├─ <prefix>v-s1      → netns <prefix>-s1       <net>.11  sshd + dockerd
 *            └─ <prefix>v-sN      → netns <prefix>-sN       <net>.(10+N)
 *
 * Programmatic API (`up`, `down`, `readEnv`, `formatEnv`, `status`) for the scenario runner; cli.ts wraps it.
 */
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cgroupV2Only, killCgroup, memoryMiB, pidsIn, procsFiles, removeCgroupDirs } from "./cgroups.js";
import { clearDelay, currentDelay, setDelay } from "./delay.js";
import { run, runAsync, since } from "./exec.js";
import { buildImages, imageRefs, restoreSeed, type SandboxImages } from "./images.js";
import { ensureInstalled } from "./install.js";
import {
  bridgeName,
  builderIp,
  clientKeyPath,
  dockerSocket,
  hostIp,
  knownHostsPath,
  type Layout,
  netnsName,
  nodeDir,
  registryAddress,
  SOURCE_DIR,
  serverIp,
  sshConfigPath,
  vethName,
} from "./layout.js";
import { httpJson, httpOk, sshBanner, waitFor } from "./probes.js";

/** What tests need to reach the sandbox (printed by `env`). */
export interface SandboxEnv {
  readonly hosts: readonly string[];
  readonly sshUser: string;
  readonly sshKey: string;
  readonly registry: string;
  readonly dockerHost: string;
  readonly images: SandboxImages;
}

/** Options of `up`. */
export interface UpOptions {
  readonly hosts: number;
  /** Round-trip latency added to each server's link, in ms. */
  readonly delayMs?: number;
  readonly log: (line: string) => void;
}

/** The most servers one sandbox may have (IPs .11 … .250). */
export const MAX_HOSTS = 240;
/** How long a node may take to answer. */
const READY_TIMEOUT_MS = 60_000;
/** Tag on the host iptables rules, so `down` removes exactly these. */
const RULE_COMMENT = "dhow-sandbox";

/** Starts the sandbox; cleans up after itself when anything fails. */
export async function up(layout: Layout, { hosts, delayMs = 0, log }: UpOptions): Promise<SandboxEnv> {
  if (!Number.isInteger(hosts) || hosts < 1 || hosts > MAX_HOSTS) {
    throw new Error(`--hosts must be an integer from 1 to ${MAX_HOSTS}, got ${hosts}`);
  }
  ensureInstalled({ withOptional: delayMs > 0, log });
  if (process.getuid?.() !== 0) {
    throw new Error("the sandbox needs root (network namespaces, mounts, iptables); run it as root");
  }
  if (existsSync(stateFile(layout))) {
    throw new Error(`the sandbox is already up (${stateFile(layout)}); run \`npm run sandbox -- down\` first`);
  }
  if (hasLeftovers(layout)) {
    log("cleaning up what an earlier sandbox left behind");
    await down(layout, { log: () => {} });
  }
  const started = performance.now();
  try {
    const servers = Array.from({ length: hosts }, (_, i) => `s${i + 1}`);
    mkdirSync(layout.stateDir, { recursive: true });
    writeFileSync(join(layout.stateDir, "starting"), `${process.pid}\n`);
    ensureClientFiles(layout, servers);
    createBridge(layout);
    const registryData = join(layout.stateDir, "registry", "data");
    const seeded = startRegistry(layout, registryData);
    startNode(layout, "builder", builderIp(layout), false);
    servers.forEach((server, i) => {
      startNode(layout, server, serverIp(layout, i + 1), true);
    });
    log(`${hosts} servers, builder and registry launched in ${since(started)}`);

    await Promise.all([
      waitForRegistry(layout),
      waitForDocker(layout, "builder"),
      ...servers.map((server, i) => waitForServer(layout, server, serverIp(layout, i + 1))),
    ]);
    log(`ready over SSH in ${since(started)}`);

    const dockerHost = `unix://${dockerSocket(layout, "builder")}`;
    if (!seeded) {
      const t = performance.now();
      log("building the base images (once; cached in the registry seed afterwards)");
      await buildImages({ layout, dockerHost, registryData, log });
      log(`images built in ${since(t)}`);
    }
    if (delayMs > 0) {
      const mode = await setDelay(layout, servers, delayMs);
      log(`+${delayMs} ms round trip on every server link (${mode})`);
    }
    const env: SandboxEnv = {
      hosts: servers.map((_, i) => serverIp(layout, i + 1)),
      sshUser: "root",
      sshKey: clientKeyPath(layout),
      registry: registryAddress(layout),
      dockerHost,
      images: imageRefs(layout),
    };
    writeFileSync(stateFile(layout), `${JSON.stringify({ servers, env }, null, 2)}\n`);
    writeFileSync(join(layout.stateDir, "env.sh"), formatEnv(env));
    rmSync(join(layout.stateDir, "starting"), { force: true });
    log(`sandbox up in ${since(started)}`);
    return env;
  } catch (error) {
    log(`up failed, cleaning up: ${error instanceof Error ? error.message : String(error)}`);
    await down(layout, { log: () => {} }).catch(() => {});
    throw error;
  }
}

/** Stops and removes everything the sandbox created (idempotent; also after a crashed `up`). Keeps the cache. */
export async function down(layout: Layout, { log }: { log: (line: string) => void }): Promise<void> {
  const started = performance.now();
  const nodes = existingNodes(layout);
  const servers = nodes.filter((node) => node !== "builder");
  await clearDelay(layout, servers);
  if (cgroupV2Only()) await removeContainersViaApi(layout, nodes);
  await Promise.all(nodes.map((node) => stopNode(layout, node)));
  await killCgroup(layout.prefix, "registry");
  await killCgroup(layout.prefix, ""); // anything else still in <prefix>/ (e.g. after a crash)
  removeCgroupDirs(layout.prefix, "");
  removeHostNetwork(layout);
  rmSync(layout.stateDir, { recursive: true, force: true });
  if (existsSync("/run/netns") && readdirSync("/run/netns").length === 0) {
    run("umount", ["/run/netns"], { allowFailure: true });
    rmSync("/run/netns", { recursive: true, force: true });
  }
  log(`sandbox down in ${since(started)}`);
}

/** The env of a running sandbox, or undefined when it is down. */
export function readEnv(layout: Layout): SandboxEnv | undefined {
  if (!existsSync(stateFile(layout))) return undefined;
  return (JSON.parse(readFileSync(stateFile(layout), "utf8")) as { env: SandboxEnv }).env;
}

/** Shell lines for `eval`: `NAME="value"` per variable, then one `export` line naming them all. */
export function formatEnv(env: SandboxEnv): string {
  const vars: [string, string][] = [
    ["DHOW_SANDBOX_HOSTS", env.hosts.join(" ")],
    ["DHOW_SANDBOX_SSH_USER", env.sshUser],
    ["DHOW_SANDBOX_SSH_KEY", env.sshKey],
    ["DHOW_SANDBOX_REGISTRY", env.registry],
    ["DOCKER_HOST", env.dockerHost],
    ["DHOW_SANDBOX_BASE_IMAGE", env.images.base],
    ["DHOW_SANDBOX_NODE_IMAGE", env.images.node],
    ["DHOW_SANDBOX_REDIS_IMAGE", env.images.redis],
    ["DHOW_SANDBOX_POSTGRES_IMAGE", env.images.postgres],
    ["DHOW_SANDBOX_PROMETHEUS_IMAGE", env.images.prometheus],
  ];
  const lines = vars.map(([name, value]) => `${name}="${value}"`);
  return `${lines.join("\n")}\nexport ${vars.map(([name]) => name).join(" ")}\n`;
}

/** A table of what runs: per node its IP, daemons, memory and containers; the registry; the delay. */
export async function status(layout: Layout): Promise<string> {
  const env = readEnv(layout);
  const nodes = existingNodes(layout);
  if (!env && nodes.length === 0 && !hasLeftovers(layout)) return "sandbox is down\n";
  const rows = [["NODE", "IP", "DOCKERD", "SSHD", "MEM_MiB", "CONTAINERS"]];
  for (const node of nodes) {
    const dir = nodeDir(layout, node);
    const containers = await httpJson({ socketPath: dockerSocket(layout, node) }, "/containers/json");
    rows.push([
      node,
      node === "builder" ? builderIp(layout) : serverIp(layout, Number(node.slice(1))),
      pidStatus(join(dir, "dockerd.pid")),
      node === "builder" ? "-" : pidStatus(join(dir, "sshd.pid")),
      String(memoryMiB(layout.prefix, node) ?? "?"),
      Array.isArray(containers) ? String(containers.length) : "?",
    ]);
  }
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  const table = rows.map((row) =>
    row
      .map((cell, col) => cell.padEnd(widths[col]!))
      .join("  ")
      .trimEnd(),
  );
  const registryUp = await httpOk({ host: hostIp(layout), port: layout.registryPort }, "/v2/", 500);
  const registryPids = pidsIn(layout.prefix, "registry");
  const delay = currentDelay(layout);
  return [
    ...table,
    `registry ${registryAddress(layout)}: ${registryUp ? "up" : "not answering"} (pid ${registryPids.join(",") || "-"}, ${memoryMiB(layout.prefix, "registry") ?? "?"} MiB)`,
    `delay: ${delay ? `+${delay.ms} ms (${delay.mode})` : "none"}`,
    env ? "state: up" : "state: incomplete (run down)",
    "",
  ].join("\n");
}

// ---------------------------------------------------------------- private helpers

function stateFile(layout: Layout): string {
  return join(layout.stateDir, "state.json");
}

/** Nodes with a network namespace (builder, s1, s2, …), servers sorted by number. */
function existingNodes(layout: Layout): string[] {
  if (!existsSync("/run/netns")) return [];
  const prefix = `${layout.prefix}-`;
  return readdirSync("/run/netns")
    .filter((name) => name.startsWith(prefix))
    .map((name) => name.slice(prefix.length))
    .sort((a, b) => (a === "builder" ? -1 : b === "builder" ? 1 : Number(a.slice(1)) - Number(b.slice(1))));
}

function hasLeftovers(layout: Layout): boolean {
  return (
    existingNodes(layout).length > 0 ||
    existsSync(`/sys/class/net/${bridgeName(layout)}`) ||
    existsSync(layout.stateDir) ||
    pidsIn(layout.prefix, "").length > 0
  );
}

/** Client key, per-server host keys (kept in the cache so known_hosts stays valid), known_hosts, ssh config. */
function ensureClientFiles(layout: Layout, servers: readonly string[]): void {
  const sshDir = join(layout.cacheDir, "ssh");
  mkdirSync(join(sshDir, "hostkeys"), { recursive: true, mode: 0o700 });
  chmodSync(sshDir, 0o700);
  const key = clientKeyPath(layout);
  if (!existsSync(key)) run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "dhow-sandbox", "-f", key]);
  const knownHosts: string[] = [];
  servers.forEach((server, i) => {
    const hostKey = join(sshDir, "hostkeys", server);
    if (!existsSync(hostKey)) run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", server, "-f", hostKey]);
    const [type, data] = readFileSync(`${hostKey}.pub`, "utf8").trim().split(" ");
    knownHosts.push(`${serverIp(layout, i + 1)} ${type} ${data}`);
  });
  writeFileSync(knownHostsPath(layout), `${knownHosts.join("\n")}\n`);
  writeFileSync(
    sshConfigPath(layout),
    [
      `Host ${layout.net}.*`,
      "  User root",
      `  IdentityFile ${key}`,
      "  IdentitiesOnly yes",
      `  UserKnownHostsFile ${knownHostsPath(layout)}`,
      "  StrictHostKeyChecking yes",
      "  BatchMode yes",
      "  LogLevel ERROR",
      "  ConnectTimeout 5",
      "",
    ].join("\n"),
  );
}

/** The host bridge, plus iptables rules: bridged server↔server traffic passes a FORWARD DROP policy, and
 * nothing from the sandbox is ever forwarded off the bridge (the sandbox talks only to itself and the host). */
function createBridge(layout: Layout): void {
  const br = bridgeName(layout);
  run("ip", ["link", "add", br, "type", "bridge"]);
  run("ip", ["addr", "add", `${hostIp(layout)}/24`, "dev", br]);
  run("ip", ["link", "set", br, "up"]);
  const comment = ["-m", "comment", "--comment", RULE_COMMENT];
  run("iptables", ["-w", "-I", "FORWARD", "1", "-i", br, "!", "-o", br, ...comment, "-j", "DROP"]);
  run("iptables", ["-w", "-I", "FORWARD", "1", "-i", br, "-o", br, ...comment, "-j", "ACCEPT"]);
}

/** Removes this sandbox's bridge and only its own rules (other sandboxes on the machine keep theirs). */
function removeHostNetwork(layout: Layout): void {
  const br = bridgeName(layout);
  const rules = run("iptables", ["-w", "-S", "FORWARD"], { allowFailure: true }).stdout.split("\n");
  for (const rule of rules) {
    if (!rule.includes(`--comment ${RULE_COMMENT}`) || !rule.startsWith("-A ") || !rule.includes(`-i ${br} `)) continue;
    const args = rule.slice(3).match(/"[^"]*"|\S+/g) ?? [];
    run("iptables", ["-w", "-D", ...args.map((arg) => arg.replace(/^"|"$/g, ""))], { allowFailure: true });
  }
  run("ip", ["link", "del", br], { allowFailure: true });
}

/** Writes the registry config, restores the image seed when valid, and starts docker-registry. */
function startRegistry(layout: Layout, dataDir: string): boolean {
  const dir = join(layout.stateDir, "registry");
  mkdirSync(dataDir, { recursive: true });
  const seeded = restoreSeed(layout, dataDir);
  writeFileSync(
    join(dir, "config.yml"),
    [
      "version: 0.1",
      "log: { level: warn, formatter: text }",
      "storage:",
      `  filesystem: { rootdirectory: ${dataDir} }`,
      "  delete: { enabled: true }",
      "http:",
      `  addr: ${registryAddress(layout)}`,
      "",
    ].join("\n"),
  );
  launch(layout, "registry", ["docker-registry", "serve", join(dir, "config.yml")], join(dir, "registry.log"));
  return seeded;
}

/** Creates a node's netns and veth, writes its dockerd (and sshd) config, and boots it. */
function startNode(layout: Layout, node: string, ip: string, withSshd: boolean): void {
  const dir = nodeDir(layout, node);
  const ns = netnsName(layout, node);
  const veth = vethName(layout, node);
  mkdirSync(join(dir, "root", ".ssh"), { recursive: true });
  mkdirSync(join(dir, "docker"), { recursive: true });
  chmodSync(join(dir, "root"), 0o700);
  chmodSync(join(dir, "root", ".ssh"), 0o700);
  writeFileSync(join(dir, "root", ".ssh", "authorized_keys"), readFileSync(`${clientKeyPath(layout)}.pub`), {
    mode: 0o600,
  });
  const daemon: Record<string, unknown> = {
    "data-root": join(dir, "docker"),
    hosts: [`unix://${dockerSocket(layout, node)}`],
    pidfile: "/run/docker.pid",
    "storage-driver": "overlay2",
    "insecure-registries": [`${layout.net}.0/24`],
    "log-level": "warn",
    ip6tables: false,
    "shutdown-timeout": 3,
  };
  // cgroup v1: the node's containers are charged to (and killed with) the node's cgroup
  if (!cgroupV2Only()) daemon["cgroup-parent"] = `/${layout.prefix}/${node}`;
  writeFileSync(join(dir, "daemon.json"), `${JSON.stringify(daemon, null, 2)}\n`);
  if (withSshd) writeFileSync(join(dir, "sshd_config"), sshdConfig(layout, node, ip));

  run("ip", ["netns", "add", ns]);
  run("ip", ["link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns]);
  run("ip", ["link", "set", veth, "master", bridgeName(layout), "up"]);
  run("ip", ["-n", ns, "addr", "add", `${ip}/24`, "dev", "eth0"]);
  run("ip", ["-n", ns, "link", "set", "eth0", "up"]);
  run("ip", ["-n", ns, "link", "set", "lo", "up"]);
  run("ip", ["-n", ns, "route", "add", "default", "via", hostIp(layout)]);
  const boot = [
    "nsenter",
    `--net=/run/netns/${ns}`,
    "unshare",
    "--mount",
    "--uts",
    "--propagation",
    "slave",
    "--",
    join(SOURCE_DIR, "node-boot.sh"),
    node,
    dir,
    withSshd ? "1" : "0",
  ];
  launch(layout, node, boot, join(dir, "boot.log"), { wait: true });
}

function sshdConfig(layout: Layout, node: string, ip: string): string {
  return [
    `ListenAddress ${ip}`,
    "Port 22",
    `HostKey ${join(layout.cacheDir, "ssh", "hostkeys", node)}`,
    "PidFile none",
    "PermitRootLogin prohibit-password",
    "PubkeyAuthentication yes",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "UsePAM no",
    "UseDNS no",
    "PrintMotd no",
    "MaxSessions 200",
    "MaxStartups 200:30:400",
    "AllowTcpForwarding yes",
    "AllowAgentForwarding yes",
    "X11Forwarding no",
    "Subsystem sftp /usr/lib/openssh/sftp-server",
    "",
  ].join("\n");
}

/**
 * Starts a program in cgroup `<prefix>/<name>`, in its own session, output to `logFile`. With `wait`, waits
 * for it to exit (node-boot.sh returns once its daemons run in the background) and throws if it failed.
 */
function launch(
  layout: Layout,
  name: string,
  argv: readonly string[],
  logFile: string,
  { wait = false }: { wait?: boolean } = {},
): void {
  const launcher = 'for f in $CGROUP_PROCS; do mkdir -p "${f%/*}" && echo $$ > "$f"; done; exec "$@"';
  const env = { ...process.env, CGROUP_PROCS: procsFiles(layout.prefix, name).join(" ") };
  if (wait) {
    const result = run("setsid", ["sh", "-c", launcher, "sh", ...argv], { env, allowFailure: true });
    writeFileSync(logFile, result.stdout + result.stderr);
    if (result.code !== 0) throw new Error(`${name}: ${argv.join(" ")} failed: ${result.stderr.trim()}`);
    return;
  }
  const log = openSync(logFile, "a");
  const child = spawn("sh", ["-c", launcher, "sh", ...argv], { detached: true, stdio: ["ignore", log, log], env });
  child.unref();
}

async function waitForRegistry(layout: Layout): Promise<void> {
  await waitFor(() => httpOk({ host: hostIp(layout), port: layout.registryPort }, "/v2/", 500), {
    timeoutMs: READY_TIMEOUT_MS,
    message: () =>
      `registry not answering on ${registryAddress(layout)}: ${tail(join(layout.stateDir, "registry", "registry.log"))}`,
  });
}

async function waitForDocker(layout: Layout, node: string): Promise<void> {
  await waitFor(() => httpOk({ socketPath: dockerSocket(layout, node) }, "/_ping", 500), {
    timeoutMs: READY_TIMEOUT_MS,
    message: () => `dockerd of ${node} not ready: ${tail(join(nodeDir(layout, node), "dockerd.log"))}`,
  });
}

/** Docker answers, sshd greets, and a real `ssh … docker version` works. */
async function waitForServer(layout: Layout, node: string, ip: string): Promise<void> {
  await Promise.all([
    waitForDocker(layout, node),
    waitFor(() => sshBanner(ip, 22, 500), {
      timeoutMs: READY_TIMEOUT_MS,
      message: () => `sshd of ${node} not answering on ${ip}:22: ${tail(join(nodeDir(layout, node), "sshd.log"))}`,
    }),
  ]);
  const check = await runAsync(
    "ssh",
    ["-F", sshConfigPath(layout), `root@${ip}`, "docker version --format '{{.Server.Version}}' && hostname"],
    { allowFailure: true, timeoutMs: 20_000 },
  );
  if (check.code !== 0 || !check.stdout.includes(node)) {
    throw new Error(`ssh root@${ip} docker version failed on ${node}: ${check.stderr.trim() || check.stdout.trim()}`);
  }
}

/** Kills everything in the node's cgroup (sshd, sessions, dockerd, containerd, shims, containers), then its netns. */
async function stopNode(layout: Layout, node: string): Promise<void> {
  await killCgroup(layout.prefix, node);
  const ns = netnsName(layout, node);
  if (existsSync(`/run/netns/${ns}`)) {
    const pids = run("ip", ["netns", "pids", ns], { allowFailure: true }).stdout.split("\n").filter(Boolean);
    for (const pid of pids) {
      try {
        process.kill(Number(pid), "SIGKILL");
      } catch {
        // gone
      }
    }
    run("ip", ["netns", "del", ns], { allowFailure: true });
  }
  run("ip", ["link", "del", vethName(layout, node)], { allowFailure: true });
}

/** cgroup-v2-only hosts: containers are not under the node's cgroup, so remove them through the API. */
async function removeContainersViaApi(layout: Layout, nodes: readonly string[]): Promise<void> {
  await Promise.all(
    nodes.map((node) =>
      runAsync("sh", ["-c", "docker ps -aq | xargs -r docker rm -fv"], {
        env: { ...process.env, DOCKER_HOST: `unix://${dockerSocket(layout, node)}` },
        allowFailure: true,
        timeoutMs: 20_000,
      }),
    ),
  );
}

function pidStatus(file: string): string {
  if (!existsSync(file)) return "-";
  const pid = Number(readFileSync(file, "utf8").trim());
  try {
    process.kill(pid, 0);
    return String(pid);
  } catch {
    return `${pid}(dead)`;
  }
}

function tail(file: string): string {
  if (!existsSync(file)) return "(no log)";
  return readFileSync(file, "utf8").trim().split("\n").slice(-3).join(" | ");
}
