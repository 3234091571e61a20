import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { CommandRuntime } from "../cli/define-command.js";
import type { CliIo } from "../cli/io.js";
import { main } from "../cli/main.js";
import { withContext } from "../flows/runtime/create-context.js";
import { Interruption } from "../flows/runtime/interruption.js";
import { createLogger } from "../output/logger.js";
import { RecordingExecutor } from "../testing/recording-executor.js";
import { loadConfigFile } from "./load/load-file.js";
import { configProblem } from "../testing/config-problem.js";
import { validateConfig } from "./validate.js";

type Hash = Record<string, unknown>;

const BASE = {
  service: "app",
  image: "app",
  builder: { arch: "amd64" },
  registry: { username: "user", password: "secret" },
};

/** A config with the given roles (hash form) and accessories (image and host filled in). */
function configWith(roles: Record<string, Hash>, accessories: Record<string, Hash> = {}): Hash {
  return {
    ...BASE,
    servers: Object.fromEntries(Object.entries(roles).map(([name, role]) => [name, { hosts: ["1.1.1.1"], ...role }])),
    accessories: Object.fromEntries(
      Object.entries(accessories).map(([name, accessory]) => [
        name,
        // Published: the roles on 1.1.1.1 reach them across hosts (docs/service-names.md).
        { image: `${name}:1`, host: "1.1.1.2", port: 9000, ...accessory },
      ]),
    ),
  };
}

describe("depends_on checks when the config loads", () => {
  it("accepts an acyclic graph of roles and accessories, and configs without depends_on", () => {
    expect(
      configProblem(
        configWith(
          { web: { depends_on: ["redis", "db"] }, workers: { depends_on: { web: { condition: "healthy" } } } },
          { redis: {}, db: { depends_on: { schema: { condition: "completed", timeout: 60 } } }, schema: {} },
        ),
      ),
    ).toBeUndefined();
    expect(configProblem(configWith({ web: {} }, { redis: {} }))).toBeUndefined();
  });

  it.each([
    [
      "a timeout of 0",
      configWith({ web: { depends_on: { redis: { timeout: 0 } } } }, { redis: {} }),
      "servers/web/depends_on/redis/timeout: should be a number of seconds (an integer above 0)",
      "servers/web/depends_on/redis/timeout",
    ],
    [
      "a timeout given as a duration",
      configWith({ web: {} }, { db: { depends_on: { redis: { timeout: "5m" } } }, redis: {} }),
      "accessories/db/depends_on/redis/timeout: should be a number of seconds (an integer above 0)",
      "accessories/db/depends_on/redis/timeout",
    ],
    [
      "an unknown name (short form)",
      configWith({ web: { depends_on: ["redis", "rediss"] } }, { redis: {} }),
      "servers/web/depends_on/1: unknown role or accessory rediss (known: web, redis)",
      "servers/web/depends_on/1",
    ],
    [
      "an unknown name (long form, on an accessory)",
      configWith({ web: {} }, { db: { depends_on: { cache: { condition: "started" } } } }),
      "accessories/db/depends_on/cache: unknown role or accessory cache (known: web, db)",
      "accessories/db/depends_on/cache",
    ],
    [
      "a name that is both a role and an accessory",
      configWith({ web: { depends_on: ["db"] }, db: {} }, { db: {} }),
      "servers/web/depends_on/0: db names both a role and an accessory; rename one of them to depend on it",
      "servers/web/depends_on/0",
    ],
    [
      "a self-dependency",
      configWith({ web: {} }, { redis: { depends_on: ["redis"] } }),
      "accessories/redis/depends_on/0: redis cannot depend on itself (depends_on cycle: redis -> redis)",
      "accessories/redis/depends_on/0",
    ],
    [
      "condition completed on a role",
      configWith({ web: {}, workers: { depends_on: { web: { condition: "completed" } } } }),
      "servers/workers/depends_on/web/condition: completed applies only to an accessory (a one-shot container); web is a role",
      "servers/workers/depends_on/web/condition",
    ],
    [
      "a cycle between a role and an accessory",
      configWith({ web: { depends_on: ["redis"] } }, { redis: { depends_on: ["web"] } }),
      "depends_on cycle: web -> redis -> web",
      "servers/web/depends_on/0",
    ],
    [
      "a longer cycle among accessories",
      configWith({ web: { depends_on: ["db"] } }, { db: { depends_on: ["redis"] }, redis: { depends_on: { db: {} } } }),
      "depends_on cycle: db -> redis -> db",
      "accessories/db/depends_on/0",
    ],
  ])("rejects %s, naming the key path", (_name, config, message, keyPath) => {
    expect(configProblem(config)).toEqual({ message, keyPath });
  });

  it("names the file and line of the entry that closes the cycle's first step", () => {
    const text = [
      "service: app",
      "image: app",
      "builder: { arch: amd64 }",
      "registry: { username: u, password: p }",
      "servers:",
      "  web:",
      "    hosts: [1.1.1.1]",
      "    depends_on: [redis]",
      "accessories:",
      "  redis:",
      "    image: redis:7",
      "    host: 1.1.1.3",
      "    depends_on:",
      "      web: { condition: healthy }",
      "",
    ].join("\n");
    const loaded = loadConfigFile({ file: "config/deploy.yml", cwd: "/project", env: {}, readFile: () => text });
    expect(() => validateConfig(loaded.raw, { locate: loaded.locate, file: loaded.files[0] })).toThrow(
      /^depends_on cycle: web -> redis -> web \(config\/deploy\.yml:8:\d+\)$/,
    );
  });
});

describe("depends_on checks through the CLI", () => {
  const dir = mkdtempSync(join(tmpdir(), "dhow-depends-on-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "config"));
  writeFileSync(
    join(dir, "config", "deploy.yml"),
    [
      "service: app",
      "image: app",
      "builder: { arch: amd64 }",
      "registry: { username: u, password: p }",
      "servers:",
      "  web:",
      "    hosts: [1.1.1.1]",
      "    depends_on: [redis]",
      "accessories:",
      "  redis:",
      "    image: redis:7",
      "    host: 1.1.1.3",
      "    depends_on: [web]",
      "",
    ].join("\n"),
  );

  const localCalls: string[] = [];
  const noLocal = (what: string): never => {
    localCalls.push(what);
    throw new Error(`unexpected local command: ${what}`);
  };

  it("rejects a cycle before any executor exists or any command is sent (dhow deploy, setup)", async () => {
    for (const command of [["deploy"], ["setup"], ["accessory", "boot", "all"]]) {
      const executors: RecordingExecutor[] = [];
      const runtime: CommandRuntime = {
        withContext: (run, flow) =>
          withContext(
            {
              interruption: new Interruption(),
              command: run.path.split(" ")[0] ?? run.path,
              subcommand: run.path.split(" ")[1],
              skipHooks: run.globals.skipHooks,
              lockWait: false,
              lockWaitTimeout: 0,
              lockWaitInterval: 0,
              cwd: run.io.cwd,
              env: {},
              logger: createLogger({ stdout: run.io.stdout, stderr: run.io.stderr, verbosity: "normal", color: false }),
              configFile: run.globals.configFile,
              destination: run.globals.destination,
              version: "999",
              executor: () => {
                const executor = new RecordingExecutor();
                executors.push(executor);
                return executor;
              },
              local: {
                run: async (file) => noLocal(file),
                runSync: (file) => noLocal(file),
                shellSync: (line) => noLocal(line),
              },
            },
            flow,
          ),
        confirm: () => async () => true,
      };
      let stderr = "";
      const io: CliIo = {
        stdout: () => {},
        stderr: (text) => {
          stderr += text;
        },
        cwd: dir,
        env: {},
        isTTY: false,
      };
      const code = await main(["node", "dhow", ...command], io, async () => runtime);
      expect(stderr).toContain("depends_on cycle: web -> redis -> web (");
      expect(stderr).toContain("config/deploy.yml:8:");
      expect(code).toBe(78);
      expect(executors).toEqual([]);
      expect(localCalls).toEqual([]);
    }
  });
});
