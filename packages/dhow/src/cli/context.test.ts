import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createConfig } from "../config/config.js";
import type { RawConfig } from "../config/raw-config.js";
import { staticSecrets } from "../secrets/secrets.js";
import { captureLogger } from "../output/logger.js";
import { RecordingExecutor } from "../testing/recording-executor.js";
import { CLI_RUNTIME, printRoundTrips, sshOptions } from "./context.js";
import type { CliIo } from "./io.js";
import type { GlobalOptions } from "./global-options.js";

const BASE = { service: "app", image: "me/app", servers: ["192.0.2.1"], builder: { arch: "amd64" } };

function config(extra: Record<string, unknown>) {
  return createConfig({ ...BASE, ...extra } as RawConfig, { version: "v1", secrets: staticSecrets({}), cwd: "/" });
}

describe("sshOptions", () => {
  it("maps ssh: and sshkit: to the SSH executor's settings", () => {
    expect(
      sshOptions(
        config({
          ssh: { user: "deploy", port: 2222, proxy: "bastion", keys_only: true, keys: ["~/.ssh/a"] },
          sshkit: { max_concurrent_starts: 3, pool_idle_timeout: 7, dns_retries: 2 },
        }),
      ),
    ).toEqual({
      user: "deploy",
      port: 2222,
      keys: ["~/.ssh/a"],
      keysOnly: true,
      proxy: "root@bastion",
      maxConcurrentStarts: 3,
      poolIdleTimeoutMs: 7000,
      dnsRetries: 2,
    });
    expect(sshOptions(config({ ssh: { proxy_command: "ssh -W %h:%p jump" } }))).toMatchObject({
      user: "root",
      port: 22,
      proxyCommand: "ssh -W %h:%p jump",
    });
  });
});

describe("CLI_RUNTIME", () => {
  it("builds the context from the project's files and the global options, then closes it", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "dhow-context-"));
    mkdirSync(join(cwd, "config"));
    writeFileSync(
      join(cwd, "config", "deploy.yml"),
      "service: app\nimage: me/app\nservers:\n  web: [192.0.2.1, 192.0.2.2]\n  jobs: [192.0.2.3]\nbuilder:\n  arch: amd64\nregistry:\n  server: localhost:5555\nssh:\n  user: deploy\n",
    );
    const globals: GlobalOptions = {
      configFile: "config/deploy.yml",
      roles: "web",
      version: "v7",
      skipHooks: true,
      lockWait: false,
      lockWaitTimeout: 900,
      lockWaitInterval: 15,
    };
    const io: CliIo = { stdout: () => {}, stderr: () => {}, cwd, env: {}, isTTY: false };
    const seen = await CLI_RUNTIME.withContext({ path: "app boot", globals, io }, async (ctx) => ({
      hosts: ctx.selection.hosts,
      version: ctx.config.version,
      options: ctx.options,
      executor: ctx.executor.constructor.name,
    }));
    expect(seen.hosts).toEqual(["192.0.2.1", "192.0.2.2"]);
    expect(seen.version).toBe("v7");
    expect(seen.options).toMatchObject({ command: "app", subcommand: "boot", skipHooks: true, lockWaitTimeout: 900 });
    expect(seen.executor).toBe("SshExecutor");
  });
});

describe("printRoundTrips", () => {
  it("with -v, prints the SSH round trips per host in host order", async () => {
    const executor = new RecordingExecutor();
    await executor.run("10.0.0.10", "docker ps");
    await executor.runScript("10.0.0.2", [{ command: "docker pull app:1" }, { command: "docker run app:1" }]);
    await executor.upload("10.0.0.2", { content: "A=1\n" }, ".kamal/apps/app/env/roles/web.env");
    await executor.run("10.0.0.2", "docker ps");
    const verbose = captureLogger("verbose");
    printRoundTrips(verbose, executor);
    expect(verbose.lines).toEqual(["SSH round trips: 10.0.0.2 3 (2 exec, 1 sftp), 10.0.0.10 1 (1 exec, 0 sftp)"]);
  });

  it("prints nothing without -v, or when no host was contacted", async () => {
    const executor = new RecordingExecutor();
    const verbose = captureLogger("verbose");
    printRoundTrips(verbose, executor);
    await executor.run("10.0.0.1", "docker ps");
    const normal = captureLogger("normal");
    printRoundTrips(normal, executor);
    expect([verbose.lines, normal.lines]).toEqual([[], []]);
  });
});

describe("CLI_RUNTIME with -v", () => {
  it("ends a command that contacted no host without a round-trips line", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "dhow-context-"));
    mkdirSync(join(cwd, "config"));
    writeFileSync(
      join(cwd, "config", "deploy.yml"),
      "service: app\nimage: me/app\nservers: [192.0.2.1]\nbuilder:\n  arch: amd64\nregistry:\n  server: localhost:5555\n",
    );
    const globals: GlobalOptions = {
      configFile: "config/deploy.yml",
      verbose: true,
      skipHooks: true,
      lockWait: false,
      lockWaitTimeout: 900,
      lockWaitInterval: 15,
    };
    const out: string[] = [];
    const io: CliIo = {
      stdout: (text) => out.push(text),
      stderr: (text) => out.push(text),
      cwd,
      env: {},
      isTTY: false,
    };
    const trips = await CLI_RUNTIME.withContext({ path: "details", globals, io }, async (ctx) => {
      ctx.logger.debug("flow done");
      return ctx.executor.roundTrips();
    });
    expect(trips).toEqual([]);
    expect(out.join("")).toBe("flow done\n");
  });
});
