import { describe, expect, it } from "vitest";
import { withPrivateIps, accessoryWorld } from "../../testing/dependency-fixtures.js";
import { fleetExecutor, instantTiming, localDocker, TRACE_CONFIG } from "../../testing/deploy-fixtures.js";
import type { RecordingExecutor } from "../../testing/recording-executor.js";
import { testContext } from "../../testing/test-context.js";
import { deploy } from "../main/deploy.js";
import { accessoryDrift } from "./drift.js";
import { accessoryRebootChanged } from "./reboot.js";

const HASH_QUERY = /^docker inspect --format '\{\{index \.Config\.Labels "dhow\.config-hash"\}\}' /;

/** TRACE_CONFIG with web depending on Redis, and `accessories`. */
function config(...args: Parameters<typeof configWithout>) {
  return withPrivateIps(configWithout(...args));
}

function configWithout(accessories: Record<string, unknown>) {
  return {
    ...TRACE_CONFIG,
    servers: {
      web: { hosts: ["1.1.1.1", "1.1.1.2"], depends_on: ["redis"] },
      workers: { hosts: ["1.1.1.3"], cmd: "bin/jobs" },
    },
    accessories,
  };
}

const REDIS = { image: "redis:7", host: "1.1.1.1", port: 6379, healthcheck: { cmd: "redis-cli ping" } };

function commands(executor: RecordingExecutor): string[] {
  return executor.calls.flatMap((call) =>
    call.kind === "script" ? [...(call.steps ?? [])] : call.kind === "run" ? [call.redacted] : [],
  );
}

describe("accessory drift", () => {
  it("deploy reports an accessory whose config changed since it was booted, and reboots nothing", async () => {
    const executor = fleetExecutor();
    accessoryWorld(executor, { "1.1.1.1:app-redis": "running" }, { label: () => "0123456789ab" });
    const ctx = testContext({ raw: config({ redis: REDIS }), executor, local: localDocker() });
    const current = ctx.config.accessory("redis")!.configHash()!;
    expect(current).toMatch(/^[0-9a-f]{12}$/);
    await deploy(ctx, { skipPush: true, timing: instantTiming() });
    expect(ctx.logger.lines).toContain(
      `Accessory redis on 1.1.1.1 changed since it was booted (config 0123456789ab -> ${current})`,
    );
    expect(ctx.logger.lines).toContain(
      "Not rebooting changed accessories: run `dhow accessory reboot --changed`, or deploy with --reboot-changed-accessories",
    );
    expect(commands(executor).some((command) => command.startsWith("docker container stop app-redis"))).toBe(false);
  });

  it("reports nothing when the label matches the current config or the container has no label", async () => {
    const executor = fleetExecutor();
    const accessories = { redis: REDIS, cache: { image: "memcached:1", host: "1.1.1.2", port: 11211 } };
    const raw = config(accessories);
    const probe = testContext({ raw });
    const current = probe.config.accessory("redis")!.configHash()!;
    accessoryWorld(
      executor,
      { "1.1.1.1:app-redis": "running", "1.1.1.2:app-cache": "running" },
      { label: (name) => (name === "app-redis" ? current : "") },
    );
    const ctx = testContext({ raw, executor });
    expect(await accessoryDrift(ctx)).toEqual([]);
    expect(commands(executor).filter((command) => HASH_QUERY.test(command))).toHaveLength(2);
  });

  it("sends no drift query for a config without dhow's dependency keys (Kamal's deploy)", async () => {
    const executor = fleetExecutor();
    const raw = { ...TRACE_CONFIG, accessories: { redis: { image: "redis:7", host: "1.1.1.1" } } };
    const ctx = testContext({ raw, executor, local: localDocker() });
    await deploy(ctx, { skipPush: true, timing: instantTiming() });
    expect(commands(executor).some((command) => HASH_QUERY.test(command))).toBe(false);
  });

  it("accessory reboot --changed reboots only the changed accessories, each after the ones it depends on", async () => {
    const executor = fleetExecutor();
    // YAML order puts search first; it depends on db, so db reboots (and is healthy) first. cache is unchanged.
    const accessories = {
      search: { image: "search:1", host: "1.1.1.3", port: 9200, depends_on: ["db"] },
      db: { image: "postgres:15", host: "1.1.1.2", port: 5432, healthcheck: { cmd: "pg_isready" } },
      cache: { image: "memcached:1", host: "1.1.1.2", port: 11211, healthcheck: { cmd: "true" } },
      redis: REDIS,
    };
    const raw = config(accessories);
    const probe = testContext({ raw });
    const unchanged = new Set(["app-cache", "app-redis"].map((name) => name));
    const hashOf = (name: string) => probe.config.accessory(name.replace(/^app-/, ""))!.configHash()!;
    accessoryWorld(
      executor,
      {
        "1.1.1.3:app-search": "running",
        "1.1.1.2:app-db": "running",
        "1.1.1.2:app-cache": "running",
        "1.1.1.1:app-redis": "running",
      },
      { label: (name) => (unchanged.has(name) ? hashOf(name) : "stale0000000") },
    );
    const ctx = testContext({ raw, executor });
    const rebooted = await accessoryRebootChanged(ctx, { timing: instantTiming() });
    expect(rebooted).toEqual(["db", "search"]);
    const sent = commands(executor);
    const dbRun = sent.findIndex((command) => command.startsWith("docker run --name app-db "));
    const dbWait = sent.findIndex((command) => command.startsWith("sh -c 'end=") && command.includes(" app-db "));
    const searchStop = sent.indexOf("docker container stop app-search");
    expect(sent.indexOf("docker container stop app-db")).toBeLessThan(dbRun);
    expect(dbWait).toBeGreaterThan(dbRun);
    expect(searchStop).toBeGreaterThan(dbWait);
    expect(sent.some((command) => command.startsWith("docker run --name app-search "))).toBe(true);
    expect(sent.some((command) => command === "docker container stop app-cache")).toBe(false);
    expect(sent.some((command) => command === "docker container stop app-redis")).toBe(false);
    expect(ctx.logger.lines).toContain("Rebooting db: its config changed since it was booted...");
  });

  it("deploy --reboot-changed-accessories reboots the changed dependency before the app boots", async () => {
    const executor = fleetExecutor();
    accessoryWorld(executor, { "1.1.1.1:app-redis": "running" }, { label: () => "0123456789ab" });
    const ctx = testContext({ raw: config({ redis: REDIS }), executor, local: localDocker() });
    await deploy(ctx, { skipPush: true, timing: instantTiming(), rebootChangedAccessories: true });
    const sent = commands(executor);
    const redisRun = sent.findIndex((command) => command.startsWith("docker run --name app-redis "));
    expect(sent.indexOf("docker container stop app-redis")).toBeLessThan(redisRun);
    expect(redisRun).toBeLessThan(sent.findIndex((command) => command.startsWith("docker run --detach")));
  });
});
