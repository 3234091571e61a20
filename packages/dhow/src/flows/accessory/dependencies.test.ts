import { describe, expect, it } from "vitest";
import { InterruptedError } from "../../errors.js";
import type { CommandResult, RemoteCommand, RunOptions } from "../../remote/executor.js";
import { fleetExecutor, instantTiming, localDocker, TRACE_CONFIG } from "../../testing/deploy-fixtures.js";
import { withPrivateIps, accessoryWorld } from "../../testing/dependency-fixtures.js";
import type { RecordingExecutor } from "../../testing/recording-executor.js";
import { testContext } from "../../testing/test-context.js";
import { appBoot } from "../app/boot.js";
import { deploy } from "../main/deploy.js";
import { Interruption } from "../runtime/interruption.js";
import { bootAccessory } from "./boot.js";
import { inDependencyOrder } from "./dependencies.js";
import { DependencyFailedError, DependencyStoppedError, DependencyTimeoutError } from "./wait-for-dependency.js";

const REDIS = { image: "redis:7", host: "1.1.1.1", port: 6379, healthcheck: { cmd: "redis-cli ping", interval: 1 } };

/** TRACE_CONFIG with web and workers depending on Redis (healthy), plus `extra`. */
function dependentConfig(...args: Parameters<typeof dependentConfigWithout>) {
  return withPrivateIps(dependentConfigWithout(...args));
}

function dependentConfigWithout(extra: { servers?: unknown; accessories?: Record<string, unknown> } = {}) {
  return {
    ...TRACE_CONFIG,
    servers: extra.servers ?? {
      web: { hosts: ["1.1.1.1", "1.1.1.2"], depends_on: ["redis"] },
      workers: { hosts: ["1.1.1.3"], cmd: "bin/jobs", depends_on: ["redis"] },
    },
    accessories: extra.accessories ?? { redis: REDIS },
  };
}

/** Every command of every host in the order sent. */
function sent(executor: RecordingExecutor): { host: string; command: string }[] {
  return executor.calls.flatMap((call) =>
    call.kind === "script"
      ? (call.steps ?? []).map((command) => ({ host: call.host, command }))
      : [{ host: call.host, command: call.redacted }],
  );
}

/** An accessory's remote wait loop (an app role's own wait, commands/app/health-wait.ts, is another loop). */
const DEPENDENCY_WAIT = /^sh -c 'end=\$\(\(\$\(date \+%s\)\+\d+\)\); while :; do s=\$\(docker inspect /;
const isDependencyWait = (command: string) => DEPENDENCY_WAIT.test(command);

const indexOf = (executor: RecordingExecutor, pattern: RegExp) =>
  sent(executor).findIndex(({ command }) => pattern.test(command));
const appRuns = (executor: RecordingExecutor) =>
  sent(executor).filter(({ command }) => /^docker run --detach --restart unless-stopped --name app-/.test(command));
const stops = (executor: RecordingExecutor) => sent(executor).filter(({ command }) => /docker stop/.test(command));

describe("depends_on at boot", () => {
  it("boots a missing Redis, waits for it to be healthy in one remote loop, then boots web and workers", async () => {
    const executor = fleetExecutor();
    accessoryWorld(executor, {}, { healthy: (_name, _host, call) => call >= 2 });
    const ctx = testContext({ raw: dependentConfig(), executor, local: localDocker() });
    await appBoot(ctx, { version: "999", timing: instantTiming() });

    const redisRun = indexOf(executor, /^docker run --name app-redis --detach --restart unless-stopped/);
    const waits = sent(executor).filter(({ command }) => isDependencyWait(command));
    const firstAppRun = sent(executor).findIndex(({ command }) => command.startsWith("docker run --detach"));
    expect(redisRun).toBeGreaterThan(-1);
    expect(waits.map(({ host }) => host)).toEqual(["1.1.1.1", "1.1.1.1"]);
    expect(waits[0]!.command).toBe(
      `sh -c 'end=$(($(date +%s)+30)); while :; do s=$(docker inspect --format "{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}" app-redis 2> /dev/null || echo missing); case "$s" in "running healthy") echo "$s"; exit 0;; "running ") echo "$s"; exit 3;; running*|created*|restarting*) ;; *) echo "$s"; exit 2;; esac; [ "$(date +%s)" -ge "$end" ] && { echo "$s"; exit 1; }; sleep 1; done'`,
    );
    expect(redisRun).toBeLessThan(indexOf(executor, DEPENDENCY_WAIT));
    expect(firstAppRun).toBeGreaterThan(sent(executor).lastIndexOf(waits.at(-1)!));
    expect(
      appRuns(executor)
        .map(({ host }) => host)
        .sort(),
    ).toEqual(["1.1.1.1", "1.1.1.2", "1.1.1.3"]);
    expect(ctx.logger.lines).toContain("Waiting for redis on 1.1.1.1 to be healthy...");
    expect(ctx.logger.lines).toContain("redis on 1.1.1.1 is healthy after 0.0s");
    expect(ctx.logger.lines).toContain("Booting redis on 1.1.1.1 (not running)...");
  });

  it("makes Redis's name resolve on the hosts without it, after checking its port is published there", async () => {
    const executor = fleetExecutor();
    accessoryWorld(executor, { "1.1.1.1:app-redis": "running" });
    const ctx = testContext({ raw: dependentConfig(), executor, local: localDocker() });
    await appBoot(ctx, { version: "999", timing: instantTiming() });

    const runs = new Map(appRuns(executor).map(({ host, command }) => [host, command]));
    expect(runs.get("1.1.1.1")).not.toContain("--add-host");
    expect(runs.get("1.1.1.2")).toContain(" --add-host app-redis:10.0.0.1 ");
    expect(runs.get("1.1.1.3")).toContain(" --add-host app-redis:10.0.0.1 ");
    const portCheck = indexOf(executor, /^docker port app-redis$/);
    expect(sent(executor)[portCheck]?.host).toBe("1.1.1.1");
    expect(portCheck).toBeLessThan(
      sent(executor).findIndex(({ command }) => command.startsWith("docker run --detach")),
    );
  });

  it("fails before booting anything when Redis is not published where other hosts reach it", async () => {
    const executor = fleetExecutor();
    accessoryWorld(executor, { "1.1.1.1:app-redis": "running" });
    executor.respond(/^docker port app-redis$/, { stdout: "6379/tcp -> 127.0.0.1:6379\n" });
    const ctx = testContext({ raw: dependentConfig(), executor, local: localDocker() });
    const error = await appBoot(ctx, { version: "999", timing: instantTiming() }).catch((e: unknown) => e);
    expect(String(error)).toContain("app-redis");
    expect(appRuns(executor)).toEqual([]);
  });

  it("leaves a running dependency alone and only waits for it", async () => {
    const executor = fleetExecutor();
    accessoryWorld(executor, { "1.1.1.1:app-redis": "running" });
    const ctx = testContext({ raw: dependentConfig(), executor, local: localDocker() });
    await appBoot(ctx, { version: "999", timing: instantTiming() });
    expect(indexOf(executor, /^docker run --name app-redis/)).toBe(-1);
    expect(indexOf(executor, /^docker container start/)).toBe(-1);
    expect(sent(executor).filter(({ command }) => isDependencyWait(command))).toHaveLength(1);
    expect(appRuns(executor)).toHaveLength(3);
  });

  it("reads a dependency's state, health and ports in the first script: one already healthy costs no round trip", async () => {
    const executor = fleetExecutor();
    accessoryWorld(executor, { "1.1.1.1:app-redis": "running" }, { healthyWhenGathered: () => true });
    const ctx = testContext({ raw: dependentConfig(), executor, local: localDocker() });
    await appBoot(ctx, { version: "999", timing: instantTiming() });
    // No wait loop, and the state and the published port were read once, in the gather script.
    expect(sent(executor).filter(({ command }) => isDependencyWait(command))).toEqual([]);
    const reads = executor.calls.filter((call) =>
      (call.steps ?? [call.redacted]).some((step) =>
        /^docker (inspect --format '\{\{\.State\.Status|port app-redis)/.test(step),
      ),
    );
    expect(reads).toHaveLength(1);
    expect(reads[0]?.steps).toEqual(
      expect.arrayContaining([
        "docker inspect --format '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}' app-redis",
        "docker port app-redis",
        "docker network ls --format '{{.Name}}'",
      ]),
    );
    expect(ctx.logger.text()).toContain("redis on 1.1.1.1 is healthy (as the first script found it)");
    expect(appRuns(executor)).toHaveLength(3);
    // On the accessory's host `app boot` costs what it costs without dependencies: the lock (2), the gather, the
    // boot, the tag, the release; it was 9 when the state, the wait and the port each took a round trip.
    expect(executor.roundTrips().find((trips) => trips.host === "1.1.1.1")?.exec).toBe(6);
  });

  it("starts a stopped dependency instead of booting a second container", async () => {
    const executor = fleetExecutor();
    accessoryWorld(executor, { "1.1.1.1:app-redis": "exited" });
    const ctx = testContext({ raw: dependentConfig(), executor, local: localDocker() });
    await appBoot(ctx, { version: "999", timing: instantTiming() });
    expect(indexOf(executor, /^docker run --name app-redis/)).toBe(-1);
    expect(indexOf(executor, /^docker container start app-redis$/)).toBeLessThan(indexOf(executor, DEPENDENCY_WAIT));
    expect(appRuns(executor)).toHaveLength(3);
  });

  it("a timeout names the dependency, the host, the time and the last health output; boots and stops nothing", async () => {
    const executor = fleetExecutor();
    accessoryWorld(executor, { "1.1.1.1:app-redis": "running" }, { healthy: () => false });
    const servers = {
      web: { hosts: ["1.1.1.1", "1.1.1.2"], depends_on: { redis: { condition: "healthy", timeout: 70 } } },
      workers: { hosts: ["1.1.1.3"], cmd: "bin/jobs" },
    };
    const ctx = testContext({ raw: dependentConfig({ servers }), executor, local: localDocker() });
    const error = await appBoot(ctx, { version: "999", timing: instantTiming() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyTimeoutError);
    expect((error as Error).message).toBe(
      "redis on 1.1.1.1 was not healthy after 70.0s; last health check output: starting (exit 1): Could not connect to Redis at 127.0.0.1:6379: Connection refused",
    );
    // 70 s in chunks of at most 30 s: three remote loops.
    const waits = sent(executor).filter(({ command }) => isDependencyWait(command));
    expect(waits.map(({ command }) => /\+(\d+)\)\)/.exec(command)?.[1])).toEqual(["30", "30", "10"]);
    expect(appRuns(executor)).toEqual([]);
    expect(stops(executor)).toEqual([]);
    expect(ctx.logger.lines).toContain(
      "A dependency is not ready: no new version was booted, the previous one still serves",
    );
  });

  it("waits longer than deploy_timeout for a slow dependency instead of failing", async () => {
    const executor = fleetExecutor();
    accessoryWorld(executor, { "1.1.1.1:app-redis": "running" }, { healthy: (_n, _h, call) => call >= 3 });
    const ctx = testContext({ raw: { ...dependentConfig(), deploy_timeout: 5 }, executor, local: localDocker() });
    await appBoot(ctx, { version: "999", timing: instantTiming() });
    expect(sent(executor).filter(({ command }) => isDependencyWait(command))).toHaveLength(3);
    expect(appRuns(executor)).toHaveLength(3);
  });

  it("waits for a dependency on another host there", async () => {
    const executor = fleetExecutor();
    accessoryWorld(executor, { "1.1.1.9:app-redis": "running" });
    const accessories = { redis: { ...REDIS, host: "1.1.1.9" } };
    const ctx = testContext({
      raw: dependentConfig({ accessories }),
      executor,
      local: localDocker(),
      selection: { hosts: "1.1.1.1,1.1.1.2,1.1.1.3" },
    });
    await appBoot(ctx, { version: "999", timing: instantTiming() });
    expect(sent(executor).filter(({ command }) => isDependencyWait(command))).toEqual([
      expect.objectContaining({ host: "1.1.1.9" }),
    ]);
    expect(ctx.logger.lines).toContain("redis on 1.1.1.9 is healthy after 0.0s");
  });

  it("runs a `completed` dependency afresh without a restart policy and boots the app once it exited 0", async () => {
    const executor = fleetExecutor();
    accessoryWorld(executor, { "1.1.1.1:app-schema": "exited" }, { output: () => "schema loaded\n" });
    const servers = {
      web: { hosts: ["1.1.1.1", "1.1.1.2"], depends_on: { schema: { condition: "completed" } } },
      workers: { hosts: ["1.1.1.3"], cmd: "bin/jobs" },
    };
    const accessories = { schema: { image: "app-schema:1", host: "1.1.1.1", cmd: "load-schema" } };
    const ctx = testContext({ raw: dependentConfig({ servers, accessories }), executor, local: localDocker() });
    await appBoot(ctx, { version: "999", timing: instantTiming() });
    const prune = indexOf(executor, /^docker container prune --force --filter label=service=app-schema$/);
    const run = indexOf(executor, /^docker run --name app-schema --detach --restart no /);
    const wait = indexOf(executor, /^timeout 30 docker wait app-schema$/);
    expect(prune).toBeGreaterThan(-1);
    expect(run).toBeGreaterThan(prune);
    expect(wait).toBeGreaterThan(run);
    expect(sent(executor).findIndex(({ command }) => command.startsWith("docker run --detach"))).toBeGreaterThan(wait);
    expect(ctx.logger.lines).toContain("Waiting for schema on 1.1.1.1 to complete...");
    expect(ctx.logger.lines).toContain("schema on 1.1.1.1 completed (exit 0) after 0.0s");
  });

  it("stops the deploy with a failing `completed` dependency's exit code and output, booting nothing", async () => {
    const executor = fleetExecutor();
    accessoryWorld(executor, {}, { exitCode: () => 1, output: () => "ERROR: relation users already exists\n" });
    const servers = {
      web: { hosts: ["1.1.1.1", "1.1.1.2"], depends_on: { schema: { condition: "completed" } } },
      workers: { hosts: ["1.1.1.3"], cmd: "bin/jobs", depends_on: { schema: { condition: "completed" } } },
    };
    const accessories = { schema: { image: "app-schema:1", host: "1.1.1.1" } };
    const ctx = testContext({ raw: dependentConfig({ servers, accessories }), executor, local: localDocker() });
    const error = await appBoot(ctx, { version: "999", timing: instantTiming() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyFailedError);
    expect((error as Error).message).toBe("schema on 1.1.1.1 exited 1:\nERROR: relation users already exists");
    expect(ctx.logger.lines).toContain("schema on 1.1.1.1 exited 1 after 0.0s");
    expect(appRuns(executor)).toEqual([]);
    expect(stops(executor)).toEqual([]);
    // Both roles wait for the same run: it ran once.
    expect(sent(executor).filter(({ command }) => command.startsWith("docker run --name app-schema"))).toHaveLength(1);
  });

  it("boots independent branches in parallel and an accessory after the accessory it depends on", async () => {
    const executor = fleetExecutor();
    accessoryWorld(executor, {});
    const accessories = {
      redis: REDIS,
      db: { image: "postgres:15", host: "1.1.1.2", port: 5432, healthcheck: { cmd: "pg_isready" } },
      search: { image: "search:1", host: "1.1.1.3", port: 9200, depends_on: ["db"] },
    };
    const servers = {
      web: { hosts: ["1.1.1.1", "1.1.1.2"], depends_on: ["redis", "search"] },
      workers: { hosts: ["1.1.1.3"], cmd: "bin/jobs" },
    };
    const ctx = testContext({ raw: dependentConfig({ servers, accessories }), executor, local: localDocker() });
    await appBoot(ctx, { version: "999", timing: instantTiming() });
    const statusOf = (name: string) =>
      indexOf(executor, new RegExp(`^docker inspect --format '\\{\\{\\.State\\.Status\\}\\}' ${name}$`));
    const runOf = (name: string) => indexOf(executor, new RegExp(`^docker run --name ${name} `));
    // redis and db are checked before either is booted (parallel branches)...
    expect(statusOf("app-redis")).toBeLessThan(runOf("app-db"));
    expect(statusOf("app-db")).toBeLessThan(runOf("app-redis"));
    // ...and search boots only after db is healthy.
    const dbHealthy = sent(executor).findIndex(({ host, command }) => host === "1.1.1.2" && isDependencyWait(command));
    expect(dbHealthy).toBeGreaterThan(runOf("app-db"));
    expect(runOf("app-search")).toBeGreaterThan(dbHealthy);
    expect(appRuns(executor)).toHaveLength(3);
  });

  it("boots a role after the role it depends on, on every host, without the primary barrier", async () => {
    const executor = fleetExecutor();
    const servers = {
      web: { hosts: ["1.1.1.1", "1.1.1.2"] },
      workers: { hosts: ["1.1.1.3"], cmd: "bin/jobs", depends_on: ["web"] },
    };
    const ctx = testContext({ raw: dependentConfig({ servers, accessories: {} }), executor, local: localDocker() });
    await appBoot(ctx, { version: "999", timing: instantTiming() });
    const deploys = sent(executor).filter(({ command }) => command.includes("kamal-proxy deploy app-web"));
    const lastWebDeploy = sent(executor).lastIndexOf(deploys.at(-1)!);
    const workersRun = indexOf(executor, /^docker run --detach .*--name app-workers-999/);
    expect(deploys).toHaveLength(2);
    expect(workersRun).toBeGreaterThan(lastWebDeploy);
    expect(ctx.logger.lines).toContain("Booting workers after web (depends_on)...");
    expect(ctx.logger.text()).not.toContain("Waiting for the first healthy web container");
  });

  it("does not boot a role whose role dependency failed on any host (the barrier would have opened)", async () => {
    const executor = fleetExecutor().respond(
      ({ host, command }) => host === "1.1.1.2" && command.includes("kamal-proxy deploy app-web"),
      { exitCode: 1, stderr: "unhealthy" },
    );
    const servers = {
      web: { hosts: ["1.1.1.1", "1.1.1.2"] },
      workers: { hosts: ["1.1.1.3"], cmd: "bin/jobs", depends_on: ["web"] },
    };
    const ctx = testContext({ raw: dependentConfig({ servers, accessories: {} }), executor, local: localDocker() });
    await expect(appBoot(ctx, { version: "999", timing: instantTiming() })).rejects.toThrow();
    expect(
      appRuns(executor)
        .map(({ host }) => host)
        .sort(),
    ).toEqual(["1.1.1.1", "1.1.1.2"]);
  });

  it("Ctrl-C during a wait stops waiting at once and boots nothing more", async () => {
    const interruption = new Interruption();
    const executor = fleetExecutor();
    accessoryWorld(executor, { "1.1.1.1:app-redis": "running" });
    // The remote wait never answers (a slow Redis); Ctrl-C comes while it runs.
    const run = executor.run.bind(executor);
    executor.run = (host: string, command: RemoteCommand, options?: RunOptions): Promise<CommandResult> => {
      const text = typeof command === "string" ? command : command.command;
      if (isDependencyWait(text)) {
        setTimeout(() => interruption.request(), 5);
        return new Promise(() => {});
      }
      return run(host, command, options);
    };
    const ctx = testContext({ raw: dependentConfig(), executor, local: localDocker(), interruption });
    const error = await appBoot(ctx, { version: "999", timing: instantTiming() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InterruptedError);
    expect(appRuns(executor)).toEqual([]);
    expect(ctx.logger.lines).toContain(
      "Interrupted while waiting for dependencies: no new version was booted, the previous one still serves",
    );
  });

  it("deploy brings back removed dependencies and waits for each once", async () => {
    const executor = fleetExecutor();
    accessoryWorld(executor, {});
    const ctx = testContext({ raw: dependentConfig(), executor, local: localDocker() });
    await deploy(ctx, { skipPush: true, timing: instantTiming() });
    expect(indexOf(executor, /^docker run --name app-redis/)).toBeLessThan(indexOf(executor, /^docker run --detach/));
    expect(ctx.logger.lines.filter((line) => line.startsWith("Waiting for redis"))).toHaveLength(1);
  });

  it("accessory boot all boots each accessory after its dependencies are met", async () => {
    const executor = fleetExecutor();
    accessoryWorld(executor, {});
    const accessories = {
      search: { image: "search:1", host: "1.1.1.3", port: 9200, depends_on: ["db"] },
      db: { image: "postgres:15", host: "1.1.1.2", port: 5432, healthcheck: { cmd: "pg_isready" } },
    };
    const ctx = testContext({ raw: dependentConfig({ accessories, servers: TRACE_CONFIG.servers }), executor });
    await bootAccessory(ctx, "all", { timing: instantTiming() });
    const dbRun = indexOf(executor, /^docker run --name app-db /);
    const dbWait = indexOf(executor, /^sh -c 'end=\$\(\(\$.*app-db/);
    const searchRun = indexOf(executor, /^docker run --name app-search /);
    expect(dbRun).toBeGreaterThan(-1);
    expect(dbWait).toBeGreaterThan(dbRun);
    expect(searchRun).toBeGreaterThan(dbWait);
    expect(inDependencyOrder(ctx.config, ["search", "db"])).toEqual(["db", "search"]);
  });

  it("fails at once, booting nothing, when a dependency on an unselected host is not there", async () => {
    const executor = fleetExecutor();
    accessoryWorld(executor, {});
    const accessories = { redis: { ...REDIS, host: "1.1.1.9" } };
    const ctx = testContext({
      raw: dependentConfig({ accessories }),
      executor,
      local: localDocker(),
      selection: { hosts: "1.1.1.1,1.1.1.2,1.1.1.3" },
    });
    const error = await appBoot(ctx, { version: "999", timing: instantTiming() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyStoppedError);
    expect((error as Error).message).toBe("redis on 1.1.1.9 is not running (missing)");
    expect(indexOf(executor, /^docker run --name app-redis/)).toBe(-1);
    expect(appRuns(executor)).toEqual([]);
  });

  it("says a dependency awaited as healthy has no health check instead of waiting out its timeout", async () => {
    const executor = fleetExecutor();
    accessoryWorld(executor, { "1.1.1.1:app-cache": "running" }, { noHealthcheck: () => true });
    const servers = {
      web: { hosts: ["1.1.1.1", "1.1.1.2"], depends_on: { cache: { condition: "healthy" } } },
      workers: { hosts: ["1.1.1.3"], cmd: "bin/jobs" },
    };
    const accessories = { cache: { image: "memcached:1", host: "1.1.1.1", port: 11211 } };
    const ctx = testContext({ raw: dependentConfig({ servers, accessories }), executor, local: localDocker() });
    const error = await appBoot(ctx, { version: "999", timing: instantTiming() }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      "cache on 1.1.1.1 has no health check, so it never becomes healthy (give it a `healthcheck`, or depend on it with `condition: started`)",
    );
    const waits = sent(executor).filter(({ command }) => isDependencyWait(command));
    expect(waits).toHaveLength(1);
    expect(waits[0]!.command).toContain(`"running ") echo "$s"; exit 3;;`);
    expect(appRuns(executor)).toEqual([]);
  });

  it("waits only for `running` with condition started", async () => {
    const executor = fleetExecutor();
    accessoryWorld(executor, {});
    const servers = {
      web: { hosts: ["1.1.1.1", "1.1.1.2"], depends_on: ["cache"] },
      workers: { hosts: ["1.1.1.3"], cmd: "bin/jobs" },
    };
    const accessories = { cache: { image: "memcached:1", host: "1.1.1.1", port: 11211 } };
    const ctx = testContext({ raw: dependentConfig({ servers, accessories }), executor, local: localDocker() });
    await appBoot(ctx, { version: "999", timing: instantTiming() });
    const wait = sent(executor).find(({ command }) => isDependencyWait(command))!;
    expect(wait.command).toContain(`case "$s" in running*) echo "$s"; exit 0;;`);
    expect(ctx.logger.lines).toContain("cache on 1.1.1.1 is running after 0.0s");
    expect(appRuns(executor)).toHaveLength(3);
  });

  it("warns that an accessory's dependency on a role is not waited for (accessories boot first)", async () => {
    const executor = fleetExecutor();
    accessoryWorld(executor, {});
    const accessories = { redis: REDIS, metrics: { image: "prom:1", host: "1.1.1.2", depends_on: ["web"] } };
    const ctx = testContext({ raw: dependentConfig({ accessories }), executor, local: localDocker() });
    await bootAccessory(ctx, "all", { timing: instantTiming() });
    expect(ctx.logger.lines).toContain("Not waiting for role web before metrics: accessories boot before the app");
    expect(indexOf(executor, /^docker run --name app-metrics /)).toBeGreaterThan(-1);
  });
});
