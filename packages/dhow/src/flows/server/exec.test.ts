import { describe, expect, it } from "vitest";
import { RecordingExecutor } from "../../testing/recording-executor.js";
import { ACCESSORY_CONFIG, auditLine, fakeHandOver, shown } from "../../testing/ops-fixtures.js";
import { serverExec } from "./exec.js";
import { testContext } from "../../testing/test-context.js";

describe("serverExec", () => {
  it("runs the command on every host, app and accessory ones, output per host", async () => {
    const executor = new RecordingExecutor().respond("uptime", ({ host }) => ({ stdout: ` up ${host}\n` }));
    const ctx = testContext({ raw: ACCESSORY_CONFIG, executor });
    expect(await serverExec(ctx, ["uptime"])).toBe(0);
    expect([...new Set(executor.calls.map((call) => call.host))].sort()).toEqual([
      "1.1.1.1",
      "1.1.1.2",
      "1.1.1.3",
      "1.1.1.5",
    ]);
    expect(executor.commands("1.1.1.5")).toEqual([auditLine("Executed cmd 'uptime' on 1.1.1.5"), "uptime"]);
    expect(shown(ctx.logger)[0]).toBe("Running 'uptime' on 1.1.1.1, 1.1.1.2, 1.1.1.3, 1.1.1.5...");
    expect(shown(ctx.logger)).toContain("up 1.1.1.5");
  });

  it("--raw: only the bytes, in host order", async () => {
    const executor = new RecordingExecutor().respond(/^md5sum/, ({ host }) => ({ stdout: `${host}  -\n` }));
    const ctx = testContext({ raw: ACCESSORY_CONFIG, executor, selection: { hosts: "1.1.1.1" } });
    await serverExec(ctx, ["md5sum", "<", "/etc/hostname"], { raw: true });
    expect(ctx.logger.lines).toEqual(["1.1.1.1  -"]);
  });

  it("-i: ssh -t to the primary host", async () => {
    const handOver = fakeHandOver(1);
    const ctx = testContext({ raw: { ...ACCESSORY_CONFIG, ssh: { proxy: "bastion" } } });
    expect(await serverExec(ctx, ["bash"], { interactive: true, handOver })).toBe(1);
    expect(handOver.lines).toEqual(["ssh -J root@bastion -t root@1.1.1.1 -p 22 'bash'"]);
    expect(ctx.executor.calls).toEqual([]);
  });

  it("rejects --raw with -i and an empty command", async () => {
    const ctx = testContext({ raw: ACCESSORY_CONFIG });
    await expect(serverExec(ctx, ["x"], { raw: true, interactive: true })).rejects.toThrow(
      "Raw is not compatible with interactive",
    );
    await expect(serverExec(ctx, [])).rejects.toThrow("No command provided");
  });
});
