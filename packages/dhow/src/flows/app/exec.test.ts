import { describe, expect, it } from "vitest";
import { RecordingExecutor } from "../../testing/recording-executor.js";
import { appExec } from "./exec.js";
import { APP_CONFIG, auditLine, fakeHandOver, isCurrentVersionQuery, shown } from "../../testing/ops-fixtures.js";
import { testContext } from "../../testing/test-context.js";

const LOGIN = "docker login ghcr.io -u [REDACTED] -p [REDACTED]";
const NEW_WEB_STAGING =
  'docker run --rm --name app-web-staging-exec-latest-staging-a1b2c3 --network kamal --env RAILS_ENV="production" --env-file .kamal/apps/app-staging/env/roles/web.env --log-opt max-size="10m" --volume app_storage:/rails/storage ghcr.io/dhh/app:latest-staging bin/rails db:migrate';

function withRunning(version = "V7") {
  return new RecordingExecutor()
    .respond(({ command }) => isCurrentVersionQuery(command), { stdout: `${version}\n` })
    .respond(/^docker (run|exec)/, ({ host }) => ({ stdout: `  out of ${host}\n` }));
}

describe("appExec", () => {
  it("default: logs in, then runs a new container of the latest tag on every app host and role (§5.7)", async () => {
    const ctx = testContext({ raw: APP_CONFIG, destination: "staging", executor: withRunning() });
    const code = await appExec(ctx, ["bin/rails", "db:migrate"]);
    expect(code).toBe(0);
    expect(ctx.executor.commands("1.1.1.1")).toEqual([
      LOGIN,
      auditLine("Executed cmd 'bin/rails db:migrate' on app version latest-staging", {
        service: "app-staging",
      }).replace("[deployer@example.com]", "[deployer@example.com] [staging]"),
      NEW_WEB_STAGING,
    ]);
    expect(ctx.executor.commands("1.1.1.3")[2]).toContain("--name app-workers-staging-exec-latest-staging-a1b2c3");
    expect(ctx.executor.commands().some((c) => c.includes("lock-"))).toBe(false);
    expect(shown(ctx.logger)).toEqual([
      "Get most recent version available as an image...",
      "Launching command with version latest-staging from new container...",
      "App Host: 1.1.1.1",
      "out of 1.1.1.1",
      "",
      "App Host: 1.1.1.2",
      "out of 1.1.1.2",
      "",
      "App Host: 1.1.1.3",
      "out of 1.1.1.3",
      "",
    ]);
  });

  it("default with --version, -e and --detach", async () => {
    const ctx = testContext({ raw: APP_CONFIG, version: "V9", options: { version: "V9" }, executor: withRunning() });
    await appExec(ctx, ["env"], { env: { FOO: "bar baz" }, detach: true });
    expect(ctx.executor.commands("1.1.1.2")[2]).toBe(
      'docker run --detach --name app-web-exec-V9-a1b2c3 --network kamal --env RAILS_ENV="production" --env-file .kamal/apps/app/env/roles/web.env --env FOO="bar baz" --log-opt max-size="10m" --volume app_storage:/rails/storage ghcr.io/dhh/app:V9 env',
    );
    expect(shown(ctx.logger)[0]).toBe("Launching command with version V9 from new container...");
  });

  it("gives a new container the names of accessories on other hosts (--add-host)", async () => {
    const raw = {
      ...APP_CONFIG,
      env: { clear: { REDIS_URL: "redis://app-redis:6379" } },
      accessories: { redis: { image: "redis:7", host: "1.1.1.1", port: 6379 } },
      private_ip: { "1.1.1.1": "10.0.0.1" },
    };
    const ctx = testContext({ raw, version: "V9", options: { version: "V9" }, executor: withRunning() });
    await appExec(ctx, ["env"]);
    expect(ctx.executor.commands("1.1.1.1").find((c) => c.startsWith("docker run"))).not.toContain("--add-host");
    expect(ctx.executor.commands("1.1.1.2").find((c) => c.startsWith("docker run"))).toContain(
      "--network kamal --add-host app-redis:10.0.0.1 --env",
    );
  });

  it("--reuse: docker exec in the running version's container, found on the primary host", async () => {
    const ctx = testContext({ raw: APP_CONFIG, executor: withRunning("V7") });
    await appExec(ctx, ["bin/rails", "runner", "'puts 1'"], { reuse: true, env: { A: "1" } });
    expect(ctx.executor.commands("1.1.1.1")[0]).toSatisfy(isCurrentVersionQuery);
    expect(ctx.executor.commands("1.1.1.2")).toEqual([
      auditLine("[web] Executed cmd 'bin/rails runner 'puts 1'' on app version V7"),
      "docker exec --env A=\"1\" app-web-V7 bin/rails runner 'puts 1'",
    ]);
    expect(ctx.executor.commands("1.1.1.3")[1]).toBe(
      "docker exec --env A=\"1\" app-workers-V7 bin/rails runner 'puts 1'",
    );
    expect(ctx.executor.commands().some((c) => c.startsWith("docker login"))).toBe(false);
  });

  it("-i: logs in on the primary host, then hands over to ssh -t with a new container", async () => {
    const handOver = fakeHandOver(3);
    const ctx = testContext({ raw: APP_CONFIG, executor: withRunning() });
    const code = await appExec(ctx, ["bin/rails", "console"], { interactive: true, handOver });
    expect(code).toBe(3);
    expect(ctx.executor.commands()).toEqual([LOGIN]);
    expect(handOver.lines).toEqual([
      `ssh -t root@1.1.1.1 -p 22 'docker run -i --rm --name app-web-exec-latest-a1b2c3 --network kamal --env RAILS_ENV="production" --env-file .kamal/apps/app/env/roles/web.env --log-opt max-size="10m" --volume app_storage:/rails/storage ghcr.io/dhh/app:latest bin/rails console'`,
    ]);
    expect(shown(ctx.logger)).toContain(
      "Launching interactive command with version latest via SSH from new container on 1.1.1.1...",
    );
  });

  it("-i --reuse: ssh -t into the running container (§5.7)", async () => {
    const handOver = fakeHandOver();
    const ctx = testContext({ raw: APP_CONFIG, executor: withRunning("V7") });
    await appExec(ctx, ["bin/rails", "console"], { interactive: true, reuse: true, handOver });
    expect(handOver.lines).toEqual(["ssh -t root@1.1.1.1 -p 22 'docker exec -i app-web-V7 bin/rails console'"]);
  });

  it("-i with --hosts and ssh settings uses the selected host and Kamal's ssh form", async () => {
    const handOver = fakeHandOver();
    const ctx = testContext({
      raw: { ...APP_CONFIG, ssh: { user: "app", port: 2222, keys: ["~/.ssh/k"], config: false } },
      executor: withRunning(),
      selection: { hosts: "1.1.1.3" },
    });
    await appExec(ctx, ["sh"], { interactive: true, reuse: true, handOver });
    expect(handOver.lines[0]).toBe(
      "ssh -F /dev/null -i ~/.ssh/k -t app@1.1.1.3 -p 2222 'docker exec -i app-workers-latest sh'".replace(
        "latest",
        "V7",
      ),
    );
  });

  it("--raw: stdout exactly as received, no headers or progress lines", async () => {
    const executor = new RecordingExecutor().respond(/^docker run/, { stdout: "\u0000binary\r\n\n" });
    const ctx = testContext({ raw: APP_CONFIG, executor, selection: { hosts: "1.1.1.2" } });
    await appExec(ctx, ["cat", "/file"], { raw: true });
    expect(ctx.logger.lines).toEqual(["\u0000binary\r", ""]);
  });

  it("rejects Kamal's incompatible option combinations and an empty command", async () => {
    const ctx = testContext({ raw: APP_CONFIG });
    await expect(appExec(ctx, ["x"], { detach: true, interactive: true, reuse: true })).rejects.toThrow(
      "Detach is not compatible with interactive or reuse",
    );
    await expect(appExec(ctx, ["x"], { detach: true, reuse: true })).rejects.toThrow(
      "Detach is not compatible with reuse",
    );
    await expect(appExec(ctx, ["x"], { raw: true, interactive: true })).rejects.toThrow(
      "Raw is not compatible with interactive",
    );
    await expect(appExec(ctx, ["x"], { raw: true, detach: true })).rejects.toThrow(
      /^Detach is not compatible|Raw is not compatible with detach/,
    );
    await expect(appExec(ctx, [])).rejects.toThrow("No command provided. You must specify a command to execute.");
    expect(ctx.executor.calls).toEqual([]);
  });

  it("aggregates failures across hosts", async () => {
    const executor = new RecordingExecutor().respond(/^docker run/, ({ host }) =>
      host === "1.1.1.1" ? {} : { exitCode: 125, stderr: "Unable to find image" },
    );
    const ctx = testContext({ raw: APP_CONFIG, executor });
    await expect(appExec(ctx, ["true"])).rejects.toThrow(/Exceptions on 2 hosts/);
  });
});

describe("appExec hooks", () => {
  it("runs the pre-connect hook once before handing over to ssh -t", async () => {
    const { mkdtempSync, mkdirSync, writeFileSync, chmodSync, readFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { localRunner } = await import("../../remote/local.js");
    const cwd = mkdtempSync(join(tmpdir(), "dhow-exec-hook-"));
    mkdirSync(join(cwd, ".kamal/hooks"), { recursive: true });
    const hook = join(cwd, ".kamal/hooks/pre-connect");
    writeFileSync(hook, `#!/bin/sh\necho "$KAMAL_COMMAND $KAMAL_SUBCOMMAND" >> "${join(cwd, "hook.log")}"\n`);
    chmodSync(hook, 0o755);
    const handOver = fakeHandOver();
    const ctx = testContext({
      raw: APP_CONFIG,
      cwd,
      local: localRunner,
      env: { PATH: process.env["PATH"] },
      options: { command: "app", subcommand: "exec" },
    });
    await appExec(ctx, ["sh"], { interactive: true, handOver });
    expect(readFileSync(join(cwd, "hook.log"), "utf8")).toBe("app exec\n");
    expect(handOver.lines).toHaveLength(1);
  });
});
