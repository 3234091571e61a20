import { describe, expect, it } from "vitest";
import { RecordingExecutor } from "../../testing/recording-executor.js";
import { accessoryExec } from "./exec.js";
import { ACCESSORY_CONFIG, auditLine, fakeHandOver, shown } from "../../testing/ops-fixtures.js";
import { testContext } from "../../testing/test-context.js";

describe("accessoryExec", () => {
  it("default: a new container of the accessory's image on each host", async () => {
    const executor = new RecordingExecutor().respond(/^docker run/, { stdout: "hi\n" });
    const ctx = testContext({ raw: ACCESSORY_CONFIG, executor });
    expect(await accessoryExec(ctx, "mysql", ["mysql", "-e", "'select 1'"])).toBe(0);
    expect(executor.commands("1.1.1.5")).toEqual([
      auditLine("Executed cmd 'mysql -e 'select 1'' on mysql accessory"),
      "docker run --rm --network kamal --env-file .kamal/apps/app/env/accessories/mysql.env --volume $PWD/app-mysql/data:/var/lib/mysql mysql:8.0 mysql -e 'select 1'",
    ]);
    expect(shown(ctx.logger)).toEqual(["Launching command from new container...", "App Host: 1.1.1.5", "hi", ""]);
  });

  it("--reuse: docker exec in the running container", async () => {
    const ctx = testContext({ raw: ACCESSORY_CONFIG });
    await accessoryExec(ctx, "web2", ["ls"], { reuse: true });
    expect(ctx.executor.commands("1.1.1.2")[1]).toBe("docker exec app-web2 ls");
  });

  it("-i / -i --reuse: ssh -t to the first host", async () => {
    const handOver = fakeHandOver(2);
    const ctx = testContext({ raw: ACCESSORY_CONFIG });
    expect(await accessoryExec(ctx, "web2", ["sh"], { interactive: true, reuse: true, handOver })).toBe(2);
    await accessoryExec(ctx, "web2", ["sh"], { interactive: true, handOver });
    expect(handOver.lines).toEqual([
      "ssh -t root@1.1.1.1 -p 22 'docker exec -i app-web2 sh'",
      "ssh -t root@1.1.1.1 -p 22 'docker run -i --rm --network kamal --env-file .kamal/apps/app/env/accessories/web2.env busybox sh'",
    ]);
    expect(ctx.executor.calls).toEqual([]);
  });

  it("--raw: output exactly as received; not with -i", async () => {
    const executor = new RecordingExecutor().respond(/^docker exec/, { stdout: " a\n\n" });
    const ctx = testContext({ raw: ACCESSORY_CONFIG, executor });
    await accessoryExec(ctx, "mysql", ["cat", "x"], { reuse: true, raw: true });
    expect(ctx.logger.lines).toEqual([" a", ""]);
    await expect(accessoryExec(ctx, "mysql", ["sh"], { raw: true, interactive: true })).rejects.toThrow(
      "Raw is not compatible with interactive",
    );
  });
});
