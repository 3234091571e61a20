import { describe, expect, it } from "vitest";
import { accessoryRemove } from "./remove.js";
import { accessoryUpgrade } from "./upgrade.js";
import { ACCESSORY_CONFIG, auditLine, LOCK_ACQUIRE, withoutLock } from "../../testing/ops-fixtures.js";
import { testContext } from "../../testing/test-context.js";

describe("accessory remove / upgrade", () => {
  it("asks first and removes container, image and data directory when confirmed", async () => {
    const questions: string[] = [];
    const ctx = testContext({ raw: ACCESSORY_CONFIG });
    await accessoryRemove(ctx, "mysql", {
      confirm: async (question) => {
        questions.push(question);
        return true;
      },
    });
    expect(questions).toEqual([
      "This will remove all containers, images and data directories for mysql. Are you sure?",
    ]);
    expect(withoutLock(ctx.executor.commands("1.1.1.5"))).toEqual([
      auditLine("Stopped mysql accessory"),
      "docker container stop app-mysql",
      auditLine("Remove mysql accessory container"),
      "docker container prune --force --filter label=service=app-mysql",
      auditLine("Removed mysql accessory image"),
      "docker image rm --force mysql:8.0",
      "rm -rf app-mysql",
    ]);
    expect(ctx.executor.commands().filter((c) => LOCK_ACQUIRE.test(c))).toHaveLength(1);
  });

  it("does nothing (no lock either) when the answer is no, and says Aborted", async () => {
    const ctx = testContext({ raw: ACCESSORY_CONFIG });
    await accessoryRemove(ctx, "all", { confirm: async () => false });
    expect(ctx.executor.calls).toEqual([]);
    expect(ctx.logger.lines).toEqual(["Aborted"]);
  });

  it("-y skips the question; all removes every accessory", async () => {
    const ctx = testContext({ raw: ACCESSORY_CONFIG });
    await accessoryRemove(ctx, "all", { confirmed: true });
    expect(ctx.executor.commands("1.1.1.5")).toContain("rm -rf app-mysql");
    expect(ctx.executor.commands("1.1.1.2")).toContain("rm -rf app-web2");
  });

  it("upgrade --rolling reboots host by host", async () => {
    const ctx = testContext({ raw: ACCESSORY_CONFIG });
    await accessoryUpgrade(ctx, "all", { rolling: true, confirmed: true });
    expect(ctx.logger.lines.filter((line) => line.startsWith("Upgrad"))).toEqual([
      "Upgrading all accessories on 1.1.1.5...",
      "Upgraded all accessories on 1.1.1.5...",
      "Upgrading all accessories on 1.1.1.1...",
      "Upgraded all accessories on 1.1.1.1...",
      "Upgrading all accessories on 1.1.1.2...",
      "Upgraded all accessories on 1.1.1.2...",
    ]);
    const runs = ctx.executor.calls
      .filter((call) => call.steps?.some((step) => step.startsWith("docker run")))
      .map((call) => call.host);
    expect(runs).toEqual(["1.1.1.5", "1.1.1.1", "1.1.1.2"]);
  });
});
