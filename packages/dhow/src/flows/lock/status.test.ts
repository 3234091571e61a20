import { describe, expect, it } from "vitest";
import { RecordingExecutor } from "../../testing/recording-executor.js";
import { lockAcquire } from "./acquire.js";
import { lockRelease } from "./release.js";
import { lockStatus } from "./status.js";
import { APP_CONFIG, shown } from "../../testing/ops-fixtures.js";
import { testContext } from "../../testing/test-context.js";

const STATUS = "stat .kamal/lock-app > /dev/null && cat .kamal/lock-app/details | base64 -d";
const DETAILS = "Locked by: Someone at 2025-01-15T09:00:00Z\nVersion: 42\nMessage: Migrating the db";

describe("lock status / acquire / release", () => {
  it("status: prints the details from the primary host", async () => {
    const executor = new RecordingExecutor().respond(STATUS, { stdout: `${DETAILS}\n` });
    const ctx = testContext({ raw: APP_CONFIG, executor });
    await lockStatus(ctx);
    expect(executor.commands()).toEqual([STATUS]);
    expect(executor.calls[0]?.host).toBe("1.1.1.1");
    expect(shown(ctx.logger)).toEqual(DETAILS.split("\n"));
  });

  it("status with a destination: the destination's lock", async () => {
    const ctx = testContext({ raw: APP_CONFIG, destination: "production" });
    await lockStatus(ctx);
    expect(ctx.executor.commands()).toEqual([
      "stat .kamal/lock-app-production > /dev/null && cat .kamal/lock-app-production/details | base64 -d",
    ]);
  });

  it("status: There is no deploy lock", async () => {
    const executor = new RecordingExecutor().respond(STATUS, {
      exitCode: 1,
      stderr: "stat: cannot statx '.kamal/lock-app': No such file or directory",
    });
    const ctx = testContext({ raw: APP_CONFIG, executor });
    await lockStatus(ctx);
    expect(shown(ctx.logger)).toEqual(["There is no deploy lock"]);
  });

  it("status: other failures are errors", async () => {
    const executor = new RecordingExecutor().respond(STATUS, { exitCode: 255, stderr: "Connection refused" });
    await expect(lockStatus(testContext({ raw: APP_CONFIG, executor }))).rejects.toThrow(/failed on 1\.1\.1\.1/);
  });

  it("acquire -m: ensures .kamal everywhere, writes the lock with the message, does not release it", async () => {
    const ctx = testContext({ raw: APP_CONFIG, version: "42" });
    await lockAcquire(ctx, "Migrating the db");
    expect(ctx.executor.commands("1.1.1.3")).toEqual(["mkdir -p .kamal"]);
    const primary = ctx.executor.commands("1.1.1.1");
    expect(primary).toHaveLength(2);
    const encoded = /echo "(.*)" > \.kamal\/lock-app\/details$/s.exec(primary[1] ?? "")?.[1] ?? "";
    expect(Buffer.from(encoded, "base64").toString()).toBe(
      "Locked by: Deployer at 2025-01-15T10:30:00Z\nVersion: 42\nMessage: Migrating the db",
    );
    expect(shown(ctx.logger)).toEqual(["Acquired the deploy lock"]);
    expect(ctx.state.holdingLock).toBe(false);
  });

  it("acquire with --hosts still prepares .kamal on the lock host", async () => {
    const ctx = testContext({ raw: APP_CONFIG, selection: { hosts: "1.1.1.3" } });
    await lockAcquire(ctx, "x");
    expect(ctx.executor.commands("1.1.1.3")).toEqual(["mkdir -p .kamal"]);
    expect(ctx.executor.commands("1.1.1.1")[0]).toBe("mkdir -p .kamal");
    expect(ctx.executor.commands("1.1.1.1")[1]).toMatch(/^mkdir \.kamal\/lock-app && /);
  });

  it("acquire when held: prints the holder and fails with Kamal's LockError", async () => {
    const executor = new RecordingExecutor()
      .respond(/^mkdir \.kamal\/lock-app/, {
        exitCode: 1,
        stderr: "mkdir: cannot create directory '.kamal/lock-app': File exists",
      })
      .respond(STATUS, { stdout: DETAILS });
    const ctx = testContext({ raw: APP_CONFIG, executor });
    const failure = lockAcquire(ctx, "mine");
    await expect(failure).rejects.toThrow("Deploy lock found. Run 'dhow lock help' for more information");
    await expect(failure).rejects.toHaveProperty("name", "LockError");
    expect(shown(ctx.logger)).toEqual(["Deploy lock already in place!", ...DETAILS.split("\n")]);
  });

  it("release: removes the lock; says so when there is none", async () => {
    const ctx = testContext({ raw: APP_CONFIG });
    await lockRelease(ctx);
    expect(ctx.executor.commands("1.1.1.1")).toEqual(["rm .kamal/lock-app/details && rm -r .kamal/lock-app"]);
    expect(shown(ctx.logger)).toEqual(["Released the deploy lock"]);

    const missing = new RecordingExecutor().respond(/^rm \.kamal\/lock-app/, {
      exitCode: 1,
      stderr: "rm: cannot remove '.kamal/lock-app/details': No such file or directory",
    });
    const none = testContext({ raw: APP_CONFIG, executor: missing });
    await lockRelease(none);
    expect(shown(none.logger)).toEqual(["There is no deploy lock"]);
  });
});
