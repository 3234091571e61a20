/**
 * Dependencies between roles and accessories (issue 9 "Done when", spec beyond.md §1), with
 * apps/app_with_dependencies: a Node app on VM1 whose boot exits 1 unless Redis and Postgres answer, both
 * accessories on VM2 (the sandbox's images, built from Debian's redis-server and postgresql-15), with health
 * checks `redis-cli ping` and `pg_isready -U app`, Postgres with its real first-start initdb.
 *
 * Docker restarts an app that exits 1 (`--restart unless-stopped`) until it comes up, so /up alone proves
 * nothing: each boot is checked to be the app container's only start (RestartCount 0, one `start` event, no
 * FAILED line in its log), later than the `health_status: healthy` events of its dependencies on VM2 (Docker's
 * own events, streamed from both servers while the scenario runs; the servers share this machine's clock).
 * - a `depends_on` cycle: rejected with the cycle printed; no SSH login on any server, nothing changed there;
 * - `dhow setup` on fresh servers; the dependencies run on VM2 and are waited for there;
 * - `dhow deploy` after `dhow accessory remove all -y` boots them again and waits for them;
 * - Postgres healthy only ≈16 s after it starts (deploy_timeout 10): the deploy waits and succeeds;
 * - a `completed` dependency (a psql schema loader): exits 0 before the app boots; when it exits 1 the deploy
 *   stops with its output, the new version never starts, and the old one answers every polled request.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { check, eventually, expectEqual, expectMatch, expectNoMatch } from "./lib/assert.js";
import { expectNoLock, servedVersion } from "./lib/checks.js";
import { poll } from "./lib/http.js";
import { type Sandbox, scenarioLayoutEnv } from "./lib/sandbox.js";
import type { Scenario, ScenarioContext } from "./lib/scenario.js";
import type { App } from "./lib/workspace.js";

/** The app's deploy_timeout (config/deploy.yml). */
const DEPLOY_TIMEOUT = 10;
/** Config variants (ERB in config/deploy.yml). */
const CYCLE = { DEPS_CYCLE: "1" };
const SLOW_START = { DEPS_SLOW_START: "1" };
const SCHEMA_OK = { DEPS_SCHEMA: "ok" };
const SCHEMA_BROKEN = { DEPS_SCHEMA: "broken" };

const HEALTHY = "health_status: healthy";

const scenario: Scenario = {
  name: "dependencies",
  description:
    "depends_on: cycle rejected before any SSH; setup and deploy (after accessory remove) wait for Redis/Postgres health on another server; a dependency slower than deploy_timeout; a completed schema loader (exit 0 first; exit 1 stops the deploy, old version serves)",
  hosts: 2,
  async run(t) {
    const [vm1, vm2] = t.hosts as [string, string];
    const app = await t.app("app_with_dependencies");
    const redis = { host: vm2, container: "deps-redis", event: HEALTHY };
    const postgres = { host: vm2, container: "deps-postgres", event: HEALTHY };
    await t.step("a depends_on cycle is rejected before any SSH connection", async () => {
      const before = await serverStates(t);
      const logins = sshdLogins(t);
      app.clearHookRuns();
      const result = await app.dhow(["setup"], { env: CYCLE, allowFailure: true });
      const output = result.stdout + result.stderr;
      t.log(`dhow setup with a cycle: exit ${result.code} in ${result.seconds.toFixed(1)}s`);
      check(result.code !== 0, `dhow setup with a depends_on cycle succeeded:\n${output}`);
      expectMatch(output, /depends_on cycle: (web -> redis -> web|redis -> web -> redis)/, "dhow's error");
      check(result.seconds < 10, `dhow took ${result.seconds.toFixed(1)}s to reject the config`);
      expectEqual(sshdLogins(t), logins, "SSH logins each server's sshd accepted while dhow ran");
      expectEqual(
        app.hookRuns().map((run) => run.hook),
        [],
        "hooks run (pre-connect runs before dhow connects)",
      );
      expectEqual(await serverStates(t), before, "containers, images and files on the servers");
    });

    // Opened after the cycle check, whose sshd log must show no login while dhow runs.
    const events = new ContainerEvents(t);
    try {
      await boots(t, app, events, { vm1, vm2, redis, postgres });
    } finally {
      events.stop();
    }
  },
};

/** Everything after the cycle check: boots, each checked against the servers' container events. */
async function boots(
  t: ScenarioContext,
  app: App,
  events: ContainerEvents,
  { vm1, vm2, redis, postgres }: { vm1: string; vm2: string; redis: Prerequisite; postgres: Prerequisite },
): Promise<void> {
  const v1 = await app.revision();
  await t.step("dhow setup on fresh servers: web boots once, after redis and postgres are healthy", async () => {
    const result = await app.dhow(["setup"]);
    logWaits(t, result.stdout + result.stderr);
    expectEqual(await servedVersion(vm1), "v1", `version served by ${vm1}`);
    await expectBootedOnceAfter(t, events, vm1, `deps-web-${v1}`, [redis, postgres]);
    expectMatch(
      await t.sandbox.ssh(vm2, "docker logs deps-postgres 2>&1"),
      "running bootstrap script ... ok",
      "deps-postgres's log (its first start runs initdb)",
    );
  });

  await t.step("the dependencies on VM2 were waited for there, and web on VM1 reached them", async () => {
    const onVm1 = (await t.sandbox.containers(vm1)).map((c) => c.name);
    for (const name of ["deps-redis", "deps-postgres"]) {
      check(!onVm1.includes(name), `${name} runs on ${vm1}, expected only on ${vm2}`);
    }
    const ps = await t.sandbox.ssh(vm2, "docker ps --format '{{.Names}} {{.Status}}'");
    expectMatch(ps, /^deps-redis Up .*\(healthy\)$/m, `docker ps on ${vm2} (Docker's own health check)`);
    expectMatch(ps, /^deps-postgres Up .*\(healthy\)$/m, `docker ps on ${vm2} (Docker's own health check)`);
    expectEqual(await healthTest(t.sandbox, vm2, "deps-redis"), ["CMD-SHELL", "redis-cli ping"], "redis check");
    expectEqual(await healthTest(t.sandbox, vm2, "deps-postgres"), ["CMD-SHELL", "pg_isready -U app"], "pg check");
    const logs = await t.sandbox.ssh(vm1, `docker logs deps-web-${v1} 2>&1`);
    expectMatch(logs, `redis: ok: PONG from ${vm2}:6379`, `deps-web-${v1}'s log`);
    expectMatch(logs, `postgres: ok: ${vm2}:5432 accepts connections`, `deps-web-${v1}'s log`);
  });

  await t.step("dhow deploy after `dhow accessory remove all -y` boots them again and waits", async () => {
    await app.dhow(["accessory", "remove", "all", "-y"]);
    const left = (await t.sandbox.containers(vm2)).map((c) => c.name).filter((n) => n.startsWith("deps-"));
    expectEqual(left, [], `accessory containers on ${vm2} after accessory remove all`);
    const v2 = await app.commit("v2", { "www/version": "v2\n" });
    const result = await app.dhow(["deploy"]);
    logWaits(t, result.stdout + result.stderr);
    expectEqual(await servedVersion(vm1), "v2", `version served by ${vm1}`);
    await expectBootedOnceAfter(t, events, vm1, `deps-web-${v2}`, [redis, postgres]);
  });

  await t.step(
    `a dependency healthy later than deploy_timeout (${DEPLOY_TIMEOUT}s) does not fail the deploy`,
    async () => {
      await app.dhow(["accessory", "remove", "postgres", "-y"], { env: SLOW_START });
      const v3 = await app.commit("v3", { "www/version": "v3\n" });
      const result = await app.dhow(["deploy"], { env: SLOW_START, allowFailure: true });
      logWaits(t, result.stdout + result.stderr);
      expectEqual(result.code, 0, `exit code of dhow deploy (output:\n${tailLines(result.stdout + result.stderr)})`);
      expectMatch(
        await t.sandbox.ssh(vm2, "docker logs deps-postgres 2>&1"),
        "slow-start.sh: a slow first start",
        "deps-postgres's log",
      );
      const slow = await timeToEvent(t, events, vm2, "deps-postgres", HEALTHY);
      t.log(`deps-postgres healthy ${slow.toFixed(1)}s after it started`);
      check(
        slow > DEPLOY_TIMEOUT,
        `deps-postgres was healthy after ${slow.toFixed(1)}s, not later than deploy_timeout`,
      );
      expectEqual(await servedVersion(vm1), "v3", `version served by ${vm1}`);
      await expectBootedOnceAfter(t, events, vm1, `deps-web-${v3}`, [redis, postgres]);
    },
  );

  const v4 = await app.commit("v4", { "www/version": "v4\n" });
  await t.step("a completed dependency (schema loader) exits 0 before the app boots", async () => {
    const result = await app.dhow(["deploy"], { env: SCHEMA_OK });
    logWaits(t, result.stdout + result.stderr);
    const schema = await containerFacts(t.sandbox, vm2, "deps-schema");
    expectEqual(
      { status: schema.State.Status, exitCode: schema.State.ExitCode, restarts: schema.RestartCount },
      { status: "exited", exitCode: 0, restarts: 0 },
      "deps-schema's state",
    );
    check(
      ["", "no"].includes(schema.HostConfig.RestartPolicy.Name),
      `deps-schema has restart policy ${schema.HostConfig.RestartPolicy.Name}, expected none`,
    );
    const table = await t.sandbox.ssh(
      vm2,
      `docker exec deps-postgres psql -U app -d app_production -X -tA -c "select to_regclass('visits')"`,
    );
    expectEqual(table.trim(), "visits", "the table the schema loader created");
    expectEqual(await servedVersion(vm1), "v4", `version served by ${vm1}`);
    await expectBootedOnceAfter(t, events, vm1, `deps-web-${v4}`, [
      redis,
      postgres,
      { host: vm2, container: "deps-schema", event: "die" },
    ]);
  });

  await t.step("a schema loader exiting 1 stops the deploy with its output; v4 answers every request", async () => {
    await app.dhow(["accessory", "remove", "schema", "-y"], { env: SCHEMA_BROKEN });
    const v5 = await app.commit("v5", { "www/version": "v5\n" });
    const poller = poll(vm1, "/version");
    const result = await app.dhow(["deploy"], { env: SCHEMA_BROKEN, allowFailure: true });
    const report = await poller.stop();
    const output = result.stdout + result.stderr;
    t.log(`dhow deploy with a failing schema loader: exit ${result.code} in ${result.seconds.toFixed(1)}s`);
    t.log(`${vm1}: ${report.requests} requests, sequence ${JSON.stringify(report.sequence)}`);
    for (const line of tailLines(output, 12).split("\n")) t.log(`  dhow: ${line}`);
    check(result.code !== 0, `dhow deploy succeeded although deps-schema exits 1:\n${tailLines(output)}`);
    expectMatch(output, 'relation "missing_table" does not exist', "dhow's output (the loader's own output)");
    expectMatch(output, /\bexit(?:ed)?\b[^\n]*\b1\b/i, "dhow's output (the loader's exit code)");
    const schema = await containerFacts(t.sandbox, vm2, "deps-schema");
    expectEqual(
      { status: schema.State.Status, exitCode: schema.State.ExitCode, restarts: schema.RestartCount },
      { status: "exited", exitCode: 1, restarts: 0 },
      "deps-schema's state",
    );
    const web = (await t.sandbox.containers(vm1)).map((c) => c.name).filter((n) => n.startsWith("deps-web-"));
    check(!web.includes(`deps-web-${v5}`), `deps-web-${v5} was created on ${vm1} although its dependency failed`);
    check(report.requests > 5, `only ${report.requests} requests reached ${vm1}`);
    expectEqual(report.errors.slice(0, 5), [], `failed requests to ${vm1} during the deploy`);
    expectEqual(report.sequence, ["v4"], `versions ${vm1} answered during the deploy`);
    expectEqual(await servedVersion(vm1), "v4", `version served by ${vm1} afterwards`);
    for (const host of t.hosts) await expectNoLock(t.sandbox, host, "deps");
  });
}

/** A dependency of a boot: `container` on `host` must have had Docker event `event` before the app started. */
interface Prerequisite {
  readonly host: string;
  readonly container: string;
  readonly event: string;
}

/** What the checks read from `docker inspect`. */
interface ContainerFacts {
  readonly Id: string;
  readonly RestartCount: number;
  readonly State: { readonly Status: string; readonly ExitCode: number };
  readonly HostConfig: { readonly RestartPolicy: { readonly Name: string } };
  readonly Config: { readonly Healthcheck?: { readonly Test?: readonly string[] } };
}

/**
 * The app container started exactly once (RestartCount 0, one `start` event), its log shows both checks
 * passing and none failing, and every dependency reached its event before that start.
 */
async function expectBootedOnceAfter(
  t: ScenarioContext,
  events: ContainerEvents,
  host: string,
  container: string,
  dependencies: readonly Prerequisite[],
): Promise<void> {
  const facts = await containerFacts(t.sandbox, host, container);
  const logs = await t.sandbox.ssh(host, `docker logs ${container} 2>&1`);
  expectEqual(facts.RestartCount, 0, `RestartCount of ${container} on ${host} (its log:\n${logs.trim()}\n)`);
  expectNoMatch(logs, "FAILED", `${container}'s log (a boot that could not reach a dependency)`);
  expectMatch(logs, /^redis: ok/m, `${container}'s log`);
  expectMatch(logs, /^postgres: ok/m, `${container}'s log`);
  const appStart = await events.first(host, facts.Id, "start", container);
  const starts = events.of(host, facts.Id).filter((e) => e.action === "start");
  t.log(`${container}: RestartCount ${facts.RestartCount}, ${starts.length} start event(s)`);
  expectEqual(starts.length, 1, `start events of ${container} on ${host}`);
  for (const dep of dependencies) {
    const depId = (await containerFacts(t.sandbox, dep.host, dep.container)).Id;
    const reached = await events.first(dep.host, depId, dep.event, dep.container);
    const depStart = await events.first(dep.host, depId, "start", dep.container);
    t.log(
      `${dep.container}: "${dep.event}" ${((reached - depStart) / 1000).toFixed(1)}s after its start, ` +
        `${((appStart - reached) / 1000).toFixed(1)}s before ${container} started`,
    );
    check(
      reached < appStart,
      `${container} started ${((reached - appStart) / 1000).toFixed(1)}s before ${dep.container} on ${dep.host} reported "${dep.event}"`,
    );
  }
}

async function containerFacts(sandbox: Sandbox, host: string, name: string): Promise<ContainerFacts> {
  return (await sandbox.inspect(host, name)) as unknown as ContainerFacts;
}

async function healthTest(sandbox: Sandbox, host: string, name: string): Promise<readonly string[] | undefined> {
  return (await containerFacts(sandbox, host, name)).Config.Healthcheck?.Test;
}

/** One container event: when (ms since the epoch, the daemon's clock), which container (full ID), what. */
interface ContainerEvent {
  readonly ms: number;
  readonly id: string;
  readonly action: string;
}

/**
 * Docker's container events (start, die, health_status) of every server, streamed over SSH while the
 * scenario runs: `docker events --since` only replays the daemon's last 256 events, and each health probe
 * adds three (exec_create, exec_start, exec_die), so after a minute the boots are gone from it.
 */
class ContainerEvents {
  private readonly events = new Map<string, ContainerEvent[]>();
  private readonly streams: ChildProcess[] = [];
  private readonly errors: string[] = [];

  constructor(t: ScenarioContext) {
    const { sshUser, sshKey } = t.sandbox.env;
    for (const host of t.hosts) {
      const list: ContainerEvent[] = [];
      this.events.set(host, list);
      // --since 0: what the daemon still has, then live, so nothing between connecting and the first boot is lost
      const command =
        "docker events --since 0 --filter type=container --filter event=start --filter event=die " +
        "--filter event=health_status --format '{{.TimeNano}} {{.ID}} {{.Action}}'";
      const child = spawn("ssh", ["-F", join(dirname(sshKey), "config"), `${sshUser}@${host}`, command], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      let pending = "";
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        const lines = (pending + chunk).split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) {
          const [nanos, id, ...action] = line.trim().split(" ");
          if (nanos && id && action.length > 0) {
            list.push({ ms: Number(BigInt(nanos) / 1_000_000n), id, action: action.join(" ") });
          }
        }
      });
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => this.errors.push(`${host}: ${chunk.trim()}`));
      child.on("exit", (code, signal) => {
        if (signal !== "SIGTERM") this.errors.push(`${host}: docker events ended (exit ${code ?? signal})`);
      });
      this.streams.push(child);
    }
  }

  /** The events of one container so far, oldest first. */
  of(host: string, id: string): ContainerEvent[] {
    check(this.errors.length === 0, `docker events streams failed: ${this.errors.join("; ")}`);
    return (this.events.get(host) ?? []).filter((e) => e.id === id);
  }

  /** The time of the container's first `action` (waiting briefly for the stream to deliver it). */
  first(host: string, id: string, action: string, name: string): Promise<number> {
    return eventually(
      `the "${action}" event of ${name} on ${host}`,
      async () => {
        const all = this.of(host, id);
        const found = all.find((e) => e.action === action);
        check(found, `none among ${JSON.stringify(all.map((e) => e.action))}`);
        return found.ms;
      },
      { timeoutMs: 5_000, intervalMs: 100 },
    );
  }

  stop(): void {
    for (const child of this.streams) child.kill("SIGTERM");
  }
}

/** Seconds from the container's first `start` event to its first `event`. */
async function timeToEvent(
  t: ScenarioContext,
  events: ContainerEvents,
  host: string,
  name: string,
  event: string,
): Promise<number> {
  const id = (await containerFacts(t.sandbox, host, name)).Id;
  return ((await events.first(host, id, event, name)) - (await events.first(host, id, "start", name))) / 1000;
}

/** Per server: its containers, images and the files under root's home (with checksums). */
async function serverStates(t: ScenarioContext): Promise<string[]> {
  return Promise.all(
    t.hosts.map((host) =>
      t.sandbox.ssh(
        host,
        "docker ps -a --no-trunc --format '{{.ID}} {{.Names}} {{.State}}' | sort; docker image ls -q | sort; " +
          "find . -path ./.ssh -prune -o -type f -exec md5sum {} + | sort; true",
      ),
    ),
  );
}

/**
 * The number of logins each server's sshd accepted so far, from its log in the sandbox's state directory
 * (test/sandbox: `<DHOW_SANDBOX_DIR>/s<i>/sshd.log`, sshd -e at LogLevel INFO).
 */
function sshdLogins(t: ScenarioContext): number[] {
  const dir = scenarioLayoutEnv().DHOW_SANDBOX_DIR!;
  return t.hosts.map((host, i) => {
    const log = join(dir, `s${i + 1}`, "sshd.log");
    check(existsSync(log), `no sshd log for ${host} at ${log}`);
    const lines = readFileSync(log, "utf8").split("\n");
    const accepted = lines.filter((line) => line.includes("Accepted publickey")).length;
    check(accepted > 0, `${log} records no accepted login at all (not the log of ${host}'s sshd?)`);
    return accepted;
  });
}

/** Logs what dhow printed about dependencies (for the report; the checks do not depend on its wording). */
function logWaits(t: ScenarioContext, output: string): void {
  for (const line of output.split("\n")) {
    if (/depend|healthy|complet|wait/i.test(line)) t.log(`  dhow: ${line.trim()}`);
  }
}

function tailLines(text: string, count = 30): string {
  return text.trimEnd().split("\n").slice(-count).join("\n");
}

export default scenario;
