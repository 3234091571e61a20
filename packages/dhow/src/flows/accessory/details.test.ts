import { describe, expect, it } from "vitest";
import { RecordingExecutor } from "../../testing/recording-executor.js";
import { accessoryDetails } from "./details.js";
import { accessoryLogs } from "./logs.js";
import { ACCESSORY_CONFIG, fakeHandOver, shown } from "../../testing/ops-fixtures.js";
import { testContext } from "../../testing/test-context.js";

describe("accessory details / logs", () => {
  it("details all: docker ps by service label per accessory, under Accessory <name> headers", async () => {
    const executor = new RecordingExecutor().respond(/^docker ps/, ({ host }) => ({ stdout: `ps ${host}\n` }));
    const ctx = testContext({ raw: ACCESSORY_CONFIG, executor });
    await accessoryDetails(ctx, "all");
    expect(executor.commands("1.1.1.5")).toEqual(["docker ps --filter label=service=app-mysql"]);
    expect(executor.commands("1.1.1.1")).toEqual(["docker ps --filter label=service=app-web2"]);
    expect(shown(ctx.logger).slice(0, 6)).toEqual([
      "Accessory mysql Host: 1.1.1.5",
      "ps 1.1.1.5",
      "Name: app-mysql (kamal network)",
      "",
      "Accessory web2 Host: 1.1.1.1",
      "ps 1.1.1.1",
    ]);
  });

  it("details: an accessory's own container name and network", async () => {
    const raw = {
      ...ACCESSORY_CONFIG,
      accessories: { cache: { image: "redis", host: "1.1.1.5", service: "shared-cache", network: "backend" } },
    };
    const executor = new RecordingExecutor().respond(/^docker ps/, { stdout: "ps\n" });
    const ctx = testContext({ raw, executor });
    await accessoryDetails(ctx, "cache");
    expect(shown(ctx.logger)).toEqual([
      "Accessory cache Host: 1.1.1.5",
      "ps",
      "Name: shared-cache (backend network)",
      "",
    ]);
  });

  it("logs: docker logs with 100 lines by default on each host", async () => {
    const executor = new RecordingExecutor().respond(/^docker logs/, { stdout: "line\n" });
    const ctx = testContext({ raw: ACCESSORY_CONFIG, executor });
    await accessoryLogs(ctx, "web2");
    expect(executor.commands("1.1.1.2")).toEqual(["docker logs app-web2  --tail 100 --timestamps 2>&1"]);
    expect(shown(ctx.logger)).toEqual(["line", "line"]);
  });

  it("logs with --since/--grep: no default line count", async () => {
    const ctx = testContext({ raw: ACCESSORY_CONFIG });
    await accessoryLogs(ctx, "mysql", { since: "1h", grep: "ERROR", skipTimestamps: true });
    expect(ctx.executor.commands("1.1.1.5")).toEqual(["docker logs app-mysql  --since 1h 2>&1 | grep 'ERROR'"]);
  });

  it("logs --follow: ssh -t to the accessory's first host", async () => {
    const handOver = fakeHandOver();
    const ctx = testContext({ raw: ACCESSORY_CONFIG });
    expect(await accessoryLogs(ctx, "web2", { follow: true, handOver })).toBe(0);
    expect(handOver.lines).toEqual([
      "ssh -t root@1.1.1.1 -p 22 'docker logs app-web2 --timestamps --tail 10 --follow 2>&1'",
    ]);
  });
});
