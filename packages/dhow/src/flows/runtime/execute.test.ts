import { describe, expect, it } from "vitest";
import { DryRunExecutor, PlanRecorder } from "../../remote/dry-run-executor.js";
import { APP_CONFIG } from "../../testing/ops-fixtures.js";
import { RecordingExecutor } from "../../testing/recording-executor.js";
import { testContext } from "../../testing/test-context.js";
import { capture } from "./execute.js";
import { defer } from "./pending.js";

describe("execute", () => {
  it("keeps a read a read when it rides behind queued steps: a dry run still asks the host", async () => {
    const host = new RecordingExecutor().respond(/^docker inspect/, { stdout: "running\n" });
    const plan = new PlanRecorder();
    const base = testContext({ raw: APP_CONFIG, executor: host, plan });
    const ctx = { ...base, executor: new DryRunExecutor(plan, host) };
    defer(ctx, "1.1.1.1", [{ command: ["docker", "network", "create", "kamal"] }]);
    expect(await capture(ctx, "1.1.1.1", ["docker", "inspect", "app-redis"])).toBe("running");
    // The queued step is only planned; the read ran.
    expect(host.commands("1.1.1.1")).toEqual(["docker inspect app-redis"]);
    expect(plan.entries).toMatchObject([
      {
        kind: "script",
        steps: [
          { text: "docker network create kamal", read: false },
          { text: "docker inspect app-redis", read: true },
        ],
      },
    ]);
  });
});
