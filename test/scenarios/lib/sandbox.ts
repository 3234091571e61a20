/**
 * @module
 * The scenarios' handle on a sandbox (test/sandbox): started and stopped through its CLI
 * (`node test/sandbox/dist/cli.js up|down|env`, the same interface users have), plus SSH and Docker
 * helpers for assertions, a reset to a clean state between scenarios, and a log dump for failures.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { check, ScenarioFailure } from "./assert.js";
import { type ExecResult, exec } from "./exec.js";
import { REPO_ROOT } from "./paths.js";

/** The variables `npm run sandbox -- env` prints, parsed. */
export interface SandboxEnv {
  readonly hosts: readonly string[];
  readonly sshUser: string;
  readonly sshKey: string;
  readonly registry: string;
  readonly dockerHost: string;
  readonly baseImage: string;
  readonly nodeImage: string;
  readonly redisImage: string;
  readonly postgresImage: string;
  readonly prometheusImage: string;
  /** All of them as environment variables (DHOW_SANDBOX_*, DOCKER_HOST). */
  readonly vars: Readonly<Record<string, string>>;
}

/** A container as `docker ps -a` shows it, with its labels. */
export interface ContainerInfo {
  readonly name: string;
  readonly image: string;
  /** `running`, `exited`, `created`, … */
  readonly state: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** What a scenario gets: the running sandbox and ways to look into its servers. */
export interface Sandbox {
  readonly env: SandboxEnv;
  readonly hosts: readonly string[];
  /** Runs a shell command on a server over SSH; throws a ScenarioFailure when it exits non-zero. */
  ssh(host: string, command: string): Promise<string>;
  /** Like `ssh`, but returns the full result whatever the exit code. */
  sshResult(host: string, command: string): Promise<ExecResult>;
  /** All containers on a server (running or not). */
  containers(host: string): Promise<ContainerInfo[]>;
  /** `docker inspect` of a container, parsed. */
  inspect(host: string, name: string): Promise<Record<string, unknown>>;
  /** Whether a path exists on a server (relative paths are under root's home, where dhow keeps `.kamal`). */
  exists(host: string, path: string): Promise<boolean>;
  /** Reads a file on a server (relative to root's home). */
  readFile(host: string, path: string): Promise<string>;
}

/** The sandbox CLI (built by `tsc -b test/sandbox`). */
export const SANDBOX_CLI = join(REPO_ROOT, "test", "sandbox", "dist", "cli.js");

/**
 * The sandbox layout the scenarios use unless the caller set one: a prefix, network and directories of
 * their own, so a suite run does not collide with a sandbox someone started with `npm run sandbox -- up`
 * (e.g. the demo's) on the same machine.
 */
export function scenarioLayoutEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const base = join(REPO_ROOT, ".sandbox", "scenarios");
  return {
    DHOW_SANDBOX_PREFIX: env["DHOW_SANDBOX_PREFIX"] ?? "dhsc",
    DHOW_SANDBOX_NET: env["DHOW_SANDBOX_NET"] ?? "10.78.0",
    DHOW_SANDBOX_DIR: env["DHOW_SANDBOX_DIR"] ?? join(base, "run"),
    DHOW_SANDBOX_CACHE: env["DHOW_SANDBOX_CACHE"] ?? join(base, "cache"),
  };
}

/** Starts a sandbox with `hosts` servers; returns its env. Throws with the sandbox's own message on failure. */
export async function startSandbox(hosts: number, layout: Record<string, string>): Promise<SandboxEnv> {
  check(existsSync(SANDBOX_CLI), `${SANDBOX_CLI} is missing: build it with \`npx tsc -b test/sandbox\``);
  const result = await exec(process.execPath, [SANDBOX_CLI, "up", "--hosts", String(hosts)], {
    env: { ...process.env, ...layout },
    timeoutMs: 300_000,
  });
  if (result.code !== 0) throw new Error(`sandbox up failed (exit ${result.code}):\n${result.stderr.trim()}`);
  return parseEnv(result.stdout);
}

/** The env of the sandbox that is already up in this layout; throws when none is. */
export async function runningSandbox(layout: Record<string, string>): Promise<SandboxEnv> {
  const result = await exec(process.execPath, [SANDBOX_CLI, "env"], { env: { ...process.env, ...layout } });
  if (result.code !== 0) throw new Error(`no scenario sandbox is up (${result.stderr.trim()}); drop --reuse`);
  return parseEnv(result.stdout);
}

/** Stops the sandbox (idempotent). */
export async function stopSandbox(layout: Record<string, string>): Promise<void> {
  const result = await exec(process.execPath, [SANDBOX_CLI, "down"], {
    env: { ...process.env, ...layout },
    timeoutMs: 120_000,
  });
  if (result.code !== 0) throw new Error(`sandbox down failed (exit ${result.code}):\n${result.stderr.trim()}`);
}

/** Parses the `NAME="value"` lines of `sandbox env`. */
export function parseEnv(text: string): SandboxEnv {
  const vars: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^([A-Z_][A-Z0-9_]*)="(.*)"$/.exec(line.trim());
    if (match) vars[match[1]!] = match[2]!;
  }
  const need = (name: string): string => {
    const value = vars[name];
    if (value === undefined) throw new Error(`sandbox env: ${name} missing from:\n${text}`);
    return value;
  };
  return {
    hosts: need("DHOW_SANDBOX_HOSTS").split(/\s+/).filter(Boolean),
    sshUser: need("DHOW_SANDBOX_SSH_USER"),
    sshKey: need("DHOW_SANDBOX_SSH_KEY"),
    registry: need("DHOW_SANDBOX_REGISTRY"),
    dockerHost: need("DOCKER_HOST"),
    baseImage: need("DHOW_SANDBOX_BASE_IMAGE"),
    nodeImage: need("DHOW_SANDBOX_NODE_IMAGE"),
    redisImage: need("DHOW_SANDBOX_REDIS_IMAGE"),
    postgresImage: need("DHOW_SANDBOX_POSTGRES_IMAGE"),
    prometheusImage: need("DHOW_SANDBOX_PROMETHEUS_IMAGE"),
    vars,
  };
}

/** The scenario handle over a running sandbox. */
export function sandboxHandle(env: SandboxEnv): Sandbox {
  const sshConfig = join(dirname(env.sshKey), "config");
  const sshResult = (host: string, command: string) =>
    exec("ssh", ["-F", sshConfig, `${env.sshUser}@${host}`, command], { timeoutMs: 120_000 });
  const ssh = async (host: string, command: string) => {
    const result = await sshResult(host, command);
    if (result.code !== 0) {
      throw new ScenarioFailure(
        `on ${host}: \`${command}\` failed (exit ${result.code}): ${result.stderr.trim() || result.stdout.trim()}`,
      );
    }
    return result.stdout;
  };
  return {
    env,
    hosts: env.hosts,
    ssh,
    sshResult,
    async containers(host) {
      const out = await ssh(host, "docker ps -a --no-trunc --format '{{json .}}'");
      return out
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => {
          const row = JSON.parse(line) as { Names: string; Image: string; State: string; Labels: string };
          return { name: row.Names, image: row.Image, state: row.State, labels: parseLabels(row.Labels) };
        });
    },
    async inspect(host, name) {
      const parsed = JSON.parse(await ssh(host, `docker inspect ${shellQuote(name)}`)) as Record<string, unknown>[];
      check(parsed.length === 1 && parsed[0], `docker inspect ${name} on ${host} found ${parsed.length} objects`);
      return parsed[0];
    },
    async exists(host, path) {
      return (await sshResult(host, `test -e ${shellQuote(path)}`)).code === 0;
    },
    readFile(host, path) {
      return ssh(host, `cat ${shellQuote(path)}`);
    },
  };
}

/**
 * Puts every server back to a fresh state between scenarios of one suite run: no containers, networks,
 * volumes or images, and root's home holding only `.ssh` (so no `.kamal`, no accessory data, no registry
 * login). The registry and the builder engine keep their contents, which is what makes a shared sandbox
 * cheaper than a fresh one (the proxy image is built once).
 */
export async function resetServers(sandbox: Sandbox): Promise<void> {
  const script = [
    "docker ps -aq | xargs -r docker rm -f >/dev/null",
    "docker network ls -q --filter type=custom | xargs -r docker network rm >/dev/null",
    "docker volume ls -q | xargs -r docker volume rm -f >/dev/null",
    "docker image ls -aq | xargs -r docker image rm -f >/dev/null 2>&1; true",
    "find /root -mindepth 1 -maxdepth 1 ! -name .ssh -exec rm -rf {} +",
    "echo containers=$(docker ps -aq | wc -l) images=$(docker image ls -aq | wc -l) home=$(ls -A /root | tr '\\n' ,)",
  ].join(" && ");
  await Promise.all(
    sandbox.hosts.map(async (host) => {
      const out = (await sandbox.ssh(host, script)).trim();
      check(out === "containers=0 images=0 home=.ssh,", `reset of ${host} left something behind: ${out}`);
    }),
  );
}

/** Every container of every server with its last log lines: printed when a scenario fails. */
export async function dumpServers(sandbox: Sandbox, { lines = 15 }: { lines?: number } = {}): Promise<string> {
  const sections = await Promise.all(
    sandbox.hosts.map(async (host) => {
      const ps = await sandbox.sshResult(host, "docker ps -a --format '{{.Names}}\t{{.Image}}\t{{.Status}}'");
      const names = ps.stdout
        .split("\n")
        .map((line) => line.split("\t")[0] ?? "")
        .filter(Boolean);
      const logs = await Promise.all(
        names.map(async (name) => {
          const log = await sandbox.sshResult(host, `docker logs --tail ${lines} ${shellQuote(name)} 2>&1`);
          const text = log.stdout
            .trimEnd()
            .split("\n")
            .map((line) => (line.length > 240 ? `${line.slice(0, 237)}...` : line))
            .join("\n");
          return `--- ${host} ${name} (last ${lines} log lines)\n${text || "(no output)"}`;
        }),
      );
      const audit = await sandbox.sshResult(host, "tail -n 20 .kamal/*-audit.log 2>/dev/null");
      return [
        `=== ${host}: docker ps -a`,
        ps.stdout.trimEnd() || ps.stderr.trimEnd() || "(none)",
        ...logs,
        ...(audit.stdout.trim() ? [`--- ${host} audit log`, audit.stdout.trimEnd()] : []),
      ].join("\n");
    }),
  );
  return sections.join("\n");
}

/** Single-quotes a word for the remote shell. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/** `docker ps` Labels column (`a=b,c=d`) → object. Values with commas are rare in these tests. */
function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of text.split(",")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    if (eq < 0) labels[pair] = "";
    else labels[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return labels;
}
