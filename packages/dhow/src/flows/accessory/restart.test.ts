import { describe, expect, it } from "vitest";
import { RecordingExecutor } from "../../testing/recording-executor.js";
import { accessoryRestart } from "./restart.js";
import { accessoryStart } from "./start.js";
import { accessoryStop } from "./stop.js";
import { ACCESSORY_CONFIG, auditLine, LOCK_ACQUIRE, LOCK_RELEASE, withoutLock } from "../../testing/ops-fixtures.js";
import { testContext } from "../../testing/test-context.js";

describe("accessory start / stop / restart", () => {
  it("start: docker container start on the accessory's hosts, holding the lock", async () => {
    const ctx = testContext({ raw: ACCESSORY_CONFIG });
    await accessoryStart(ctx, "mysql");
    expect(withoutLock(ctx.executor.commands("1.1.1.5"))).toEqual([
      auditLine("Started mysql accessory"),
      "docker container start app-mysql",
    ]);
    expect(ctx.executor.commands("1.1.1.1")[1]).toMatch(LOCK_ACQUIRE);
    expect(ctx.executor.commands("1.1.1.1").at(-1)).toBe(LOCK_RELEASE);
  });

  it("start: a proxied accessory is deployed to kamal-proxy with its running container id", async () => {
    const executor = new RecordingExecutor().respond(
      /^docker container ls --filter 'name=\^app-web2\$' --quiet$/,
      ({ host }) => ({
        stdout: `id-${host}\n`,
      }),
    );
    const ctx = testContext({ raw: ACCESSORY_CONFIG, executor });
    await accessoryStart(ctx, "web2");
    expect(withoutLock(executor.commands("1.1.1.2"))).toEqual([
      auditLine("Started web2 accessory"),
      "docker container start app-web2",
      "docker container ls --filter 'name=^app-web2$' --quiet",
      expect.stringMatching(
        /^docker exec kamal-proxy kamal-proxy deploy app-web2 --target="id-1\.1\.1\.2:80" --host="two\.example\.com"/,
      ),
    ]);
  });

  it("stop: ignores a failing stop, then removes a proxied accessory from kamal-proxy", async () => {
    const executor = new RecordingExecutor().respond(/^docker container stop/, {
      exitCode: 1,
      stderr: "No such container",
    });
    const ctx = testContext({ raw: ACCESSORY_CONFIG, executor });
    await accessoryStop(ctx, "web2");
    expect(withoutLock(executor.commands("1.1.1.1"))).toEqual([
      auditLine("Stopped web2 accessory"),
      "docker container stop app-web2",
      "docker container ls --filter 'name=^app-web2$' --quiet",
      "docker exec kamal-proxy kamal-proxy remove app-web2",
    ]);
  });

  it("restart: stop then start under one lock", async () => {
    const ctx = testContext({ raw: ACCESSORY_CONFIG });
    await accessoryRestart(ctx, "mysql");
    expect(withoutLock(ctx.executor.commands("1.1.1.5"))).toEqual([
      auditLine("Stopped mysql accessory"),
      "docker container stop app-mysql",
      auditLine("Started mysql accessory"),
      "docker container start app-mysql",
    ]);
    expect(ctx.executor.commands().filter((c) => LOCK_ACQUIRE.test(c))).toHaveLength(1);
  });

  it("an unknown accessory is an error naming the options, and nothing runs", async () => {
    const ctx = testContext({ raw: ACCESSORY_CONFIG });
    await expect(accessoryStart(ctx, "redis")).rejects.toThrow(
      "No accessory by the name of 'redis' (options: mysql and web2)",
    );
    expect(withoutLock(ctx.executor.commands())).toEqual([]);
  });
});
