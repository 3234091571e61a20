import { describe, expect, it } from "vitest";
import { staticSecrets } from "../secrets/secrets.js";
import { createConfig } from "./config.js";
import { DHOW_ONLY_KEYS, withoutDhowKeys } from "./dhow-schema.js";
import { loadConfigFile } from "./load/load-file.js";
import type { RawConfig } from "./raw-config.js";
import { configProblem } from "../testing/config-problem.js";
import { validateConfig } from "./validate.js";

const BASE = {
  service: "app",
  image: "app",
  builder: { arch: "amd64" },
  registry: { username: "user", password: "secret" },
  servers: { web: ["1.1.1.1"], workers: { hosts: ["1.1.1.2"] } },
  accessories: {
    db: { image: "postgres:16", host: "1.1.1.3", port: 5432 },
    redis: { image: "redis:7", host: "1.1.1.3", port: 6379 },
  },
};

type Hash = Record<string, unknown>;

/** BASE with `role` merged into the workers role and `accessory` into the db accessory. */
function withKeys({ root = {}, role = {}, accessory = {} }: { root?: Hash; role?: Hash; accessory?: Hash }): Hash {
  return {
    ...BASE,
    ...root,
    servers: { ...BASE.servers, workers: { hosts: ["1.1.1.2"], ...role } },
    accessories: { ...BASE.accessories, db: { ...BASE.accessories.db, ...accessory } },
  };
}

function resolve(config: Hash) {
  validateConfig(config);
  return createConfig(config as RawConfig, { version: "999", secrets: staticSecrets({}), cwd: "/project" });
}

describe("dhow-only keys: accepted where dhow defines them", () => {
  it("takes depends_on (both forms), an accessory healthcheck (each form) and release_command", () => {
    expect(
      configProblem(
        withKeys({
          root: { release_command: "bin/rails db:migrate" },
          role: { depends_on: ["db", "redis"] },
          accessory: { depends_on: { redis: { condition: "healthy" } }, healthcheck: { cmd: "pg_isready" } },
        }),
      ),
    ).toBeUndefined();
    for (const healthcheck of [
      { path: "/up", port: 8080, interval: 5, timeout: "3s", retries: 3, start_period: "1m30s" },
      { port: 5432 },
      { cmd: "pg_isready", interval: "500ms" },
    ]) {
      expect(configProblem(withKeys({ accessory: { healthcheck } }))).toBeUndefined();
    }
    for (const condition of ["started", "healthy", "completed"]) {
      expect(configProblem(withKeys({ role: { depends_on: { db: { condition } } } }))).toBeUndefined();
    }
    expect(configProblem(withKeys({ role: { depends_on: { db: {} } } }))).toBeUndefined();
  });

  it("keeps them out of Kamal's schema everywhere else", () => {
    expect(configProblem({ ...BASE, depends_on: ["db"] })).toEqual({
      message: "unknown key: depends_on",
      keyPath: "depends_on",
    });
    expect(configProblem({ ...BASE, healthcheck: { port: 80 } })?.message).toMatch(/^unknown key: healthcheck/);
    expect(configProblem(withKeys({ role: { release_command: "x" } }))).toEqual({
      message: "servers/workers: unknown key: release_command",
      keyPath: "servers/workers/release_command",
    });
    expect(configProblem(withKeys({ role: { healthcheck: { port: 80 } } }))?.message).toBe(
      "servers/workers: unknown key: healthcheck",
    );
  });
});

describe("dhow-only keys: Kamal-style errors with the key path", () => {
  it.each<[string, Hash, string, string]>([
    [
      "release_command not a string",
      { root: { release_command: ["a"] } },
      "release_command: should be a string",
      "release_command",
    ],
    [
      "depends_on not a list or hash",
      { role: { depends_on: "db" } },
      "servers/workers/depends_on: should be an array or a hash",
      "servers/workers/depends_on",
    ],
    [
      "a short-form name not a string",
      { accessory: { depends_on: ["redis", 1] } },
      "accessories/db/depends_on/1: should be a string",
      "accessories/db/depends_on/1",
    ],
    [
      "a long-form entry not a hash",
      { role: { depends_on: { db: "healthy" } } },
      "servers/workers/depends_on/db: should be a hash",
      "servers/workers/depends_on/db",
    ],
    [
      "a long-form entry with another key",
      { role: { depends_on: { db: { condition: "healthy", wait: 5 } } } },
      "servers/workers/depends_on/db: unknown key: wait",
      "servers/workers/depends_on/db/wait",
    ],
    [
      "an unknown condition",
      { accessory: { depends_on: { redis: { condition: "ready" } } } },
      "accessories/db/depends_on/redis/condition: should be started, healthy, or completed",
      "accessories/db/depends_on/redis/condition",
    ],
    [
      "healthcheck not a hash",
      { accessory: { healthcheck: "pg_isready" } },
      "accessories/db/healthcheck: should be a hash",
      "accessories/db/healthcheck",
    ],
    [
      "an unknown healthcheck key",
      { accessory: { healthcheck: { cmd: "x", test: "y" } } },
      "accessories/db/healthcheck: unknown key: test",
      "accessories/db/healthcheck/test",
    ],
    [
      "cmd and port together",
      { accessory: { healthcheck: { cmd: "x", port: 80 } } },
      "accessories/db/healthcheck: specify one of `cmd`, `path` with `port` (HTTP), or `port` alone (TCP)",
      "accessories/db/healthcheck",
    ],
    [
      "path without port",
      { accessory: { healthcheck: { path: "/up" } } },
      "accessories/db/healthcheck: specify one of `cmd`, `path` with `port` (HTTP), or `port` alone (TCP)",
      "accessories/db/healthcheck",
    ],
    [
      "no form at all",
      { accessory: { healthcheck: { interval: 5 } } },
      "accessories/db/healthcheck: specify one of `cmd`, `path` with `port` (HTTP), or `port` alone (TCP)",
      "accessories/db/healthcheck",
    ],
    [
      "cmd not a string",
      { accessory: { healthcheck: { cmd: ["pg_isready"] } } },
      "accessories/db/healthcheck/cmd: should be a string",
      "accessories/db/healthcheck/cmd",
    ],
    [
      "port out of range",
      { accessory: { healthcheck: { port: 70000 } } },
      "accessories/db/healthcheck/port: should be a port number (1-65535)",
      "accessories/db/healthcheck/port",
    ],
    [
      "a bad interval",
      { accessory: { healthcheck: { port: 80, interval: "soon" } } },
      "accessories/db/healthcheck/interval: should be a number of seconds or a duration such as 5s",
      "accessories/db/healthcheck/interval",
    ],
    [
      "negative retries",
      { accessory: { healthcheck: { port: 80, retries: -1 } } },
      "accessories/db/healthcheck/retries: should be an integer (0 or more)",
      "accessories/db/healthcheck/retries",
    ],
  ])("%s", (_name, keys, message, keyPath) => {
    expect(configProblem(withKeys(keys))).toEqual({ message, keyPath });
  });

  it("names the file and line, as for Kamal's keys", () => {
    const text = [
      "service: app",
      "image: app",
      "builder: { arch: amd64 }",
      "registry: { username: u, password: p }",
      "servers:",
      "  web: [1.1.1.1]",
      "accessories:",
      "  db:",
      "    image: postgres",
      "    host: 1.1.1.3",
      "    depends_on:",
      "      redis: { condition: soon }",
      "",
    ].join("\n");
    const loaded = loadConfigFile({
      file: "config/deploy.yml",
      cwd: "/project",
      env: {},
      readFile: () => text,
    });
    expect(() => validateConfig(loaded.raw, { locate: loaded.locate, file: loaded.files[0] })).toThrow(
      /^accessories\/db\/depends_on\/redis\/condition: should be started, healthy, or completed \(.*deploy\.yml:12:\d+\)$/,
    );
  });
});

describe("dhow-only keys: resolved as typed read-only fields", () => {
  it("exposes role.dependsOn, accessory.dependsOn and healthcheck, config.releaseCommand", () => {
    const config = resolve(
      withKeys({
        root: { release_command: "bin/rails db:migrate" },
        role: { depends_on: ["db", "redis"] },
        accessory: {
          depends_on: { redis: { condition: "healthy" } },
          healthcheck: { path: "/up", port: 8080, interval: 5, start_period: "30s" },
        },
      }),
    );
    expect(config.releaseCommand).toBe("bin/rails db:migrate");
    expect(config.role("workers")?.dependsOn).toEqual([
      { name: "db", condition: undefined },
      { name: "redis", condition: undefined },
    ]);
    expect(config.accessory("db")?.dependsOn).toEqual([{ name: "redis", condition: "healthy" }]);
    expect(config.accessory("db")?.healthcheck).toEqual({
      kind: "http",
      path: "/up",
      port: 8080,
      interval: 5,
      timeout: undefined,
      retries: undefined,
      startPeriod: "30s",
    });
    expect(Object.isFrozen(config.accessory("db")?.healthcheck)).toBe(true);
  });

  it("leaves them out entirely when not set, so the Config is the same as before", () => {
    const config = resolve(BASE);
    expect("releaseCommand" in config).toBe(false);
    expect(config.roles.some((role) => "dependsOn" in role)).toBe(false);
    expect(config.accessories.some((accessory) => "dependsOn" in accessory || "healthcheck" in accessory)).toBe(false);
  });
});

describe("withoutDhowKeys", () => {
  it("drops only the section's dhow keys and leaves other values alone", () => {
    expect(withoutDhowKeys("accessory", { image: "x", depends_on: [], healthcheck: {} })).toEqual({ image: "x" });
    expect(withoutDhowKeys("role", { cmd: "x", healthcheck: {} })).toEqual({ cmd: "x", healthcheck: {} });
    const untouched = { image: "x" };
    expect(withoutDhowKeys("accessory", untouched)).toBe(untouched);
    expect(withoutDhowKeys("role", ["1.1.1.1"])).toEqual(["1.1.1.1"]);
    expect(DHOW_ONLY_KEYS.configuration).toEqual(["release_command", "private_ip"]);
  });
});
