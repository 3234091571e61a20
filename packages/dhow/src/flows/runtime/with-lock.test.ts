import { describe, expect, it } from "vitest";
import { RecordingExecutor } from "../../testing/recording-executor.js";
import { testContext } from "../../testing/test-context.js";
import { withLock } from "./with-lock.js";

const raw = {
  service: "app",
  image: "dhh/app",
  registry: { username: "dhh", password: "secret" },
  builder: { arch: "amd64" },
  servers: { web: ["1.1.1.1", "1.1.1.2"] },
};

describe("withLock", () => {
  it("ensures the run directory, takes the lock on the primary host, and releases it", async () => {
    const ctx = testContext({ raw });
    const seen = await withLock(ctx, async () => {
      expect(ctx.state.holdingLock).toBe(true);
      return "done";
    });
    expect(seen).toBe("done");
    expect(ctx.state.holdingLock).toBe(false);
    expect(ctx.executor.commands("1.1.1.2")).toEqual(["mkdir -p .kamal"]);
    const primary = ctx.executor.commands("1.1.1.1");
    expect(primary[0]).toBe("mkdir -p .kamal");
    expect(primary[1]).toMatch(/^mkdir \.kamal\/lock-app && echo ".*" > \.kamal\/lock-app\/details$/s);
    expect(primary[2]).toBe("rm .kamal/lock-app/details && rm -r .kamal/lock-app");
  });

  it("releases the lock when the work fails, and rethrows", async () => {
    const ctx = testContext({ raw });
    await expect(withLock(ctx, async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(ctx.executor.commands("1.1.1.1").at(-1)).toBe("rm .kamal/lock-app/details && rm -r .kamal/lock-app");
  });

  it("fails with LockError and prints the holder when the lock is taken", async () => {
    const executor = new RecordingExecutor()
      .respond(/^mkdir \.kamal\/lock-app/, {
        exitCode: 1,
        stderr: "mkdir: cannot create directory '.kamal/lock-app': File exists",
      })
      .respond(/^stat /, { stdout: "Locked by: Someone at 2025-01-15T10:00:00Z\nVersion: 1\nMessage: manual" });
    const ctx = testContext({ raw, executor });
    let ran = false;
    await expect(
      withLock(ctx, async () => {
        ran = true;
      }),
    ).rejects.toThrow("Deploy lock found. Run 'dhow lock help' for more information");
    expect(ran).toBe(false);
    expect(ctx.logger.text()).toContain("Message: manual");
  });

  it("waits for an automatic lock with --lock-wait", async () => {
    let attempts = 0;
    const executor = new RecordingExecutor()
      .respond(/^mkdir \.kamal\/lock-app/, () =>
        ++attempts < 3 ? { exitCode: 1, stderr: "mkdir: cannot create directory" } : { exitCode: 0 },
      )
      .respond(/^stat /, { stdout: "Message: Automatic deploy lock" });
    const ctx = testContext({ raw, executor, options: { lockWait: true, lockWaitInterval: 0.01, lockWaitTimeout: 5 } });
    await withLock(ctx, async () => undefined);
    expect(attempts).toBe(3);
  });

  it("does not lock again when the lock is already held (KAMAL_LOCK=true)", async () => {
    const ctx = testContext({ raw });
    ctx.state.holdingLock = true;
    await withLock(ctx, async () => undefined);
    expect(ctx.executor.calls).toEqual([]);
  });
});
