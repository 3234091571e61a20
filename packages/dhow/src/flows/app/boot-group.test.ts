import { describe, expect, it } from "vitest";
import { fleetExecutor, instantTiming, TRACE_CONFIG } from "../../testing/deploy-fixtures.js";
import { testContext } from "../../testing/test-context.js";
import { createBarrier } from "./barrier.js";
import { bootGroup } from "./boot-group.js";

describe("bootGroup", () => {
  it("returns what each boot did: host, role, previous and new version", async () => {
    const ctx = testContext({ raw: TRACE_CONFIG, executor: fleetExecutor() });
    const outcomes = await bootGroup(ctx, {
      hosts: ["1.1.1.1", "1.1.1.2", "1.1.1.3"],
      barrier: createBarrier(),
      barrierRole: "web",
      timing: instantTiming(),
    });
    expect(outcomes).toEqual([
      { host: "1.1.1.1", role: "web", state: "switched", version: "999", previousVersion: "OLD" },
      { host: "1.1.1.2", role: "web", state: "switched", version: "999", previousVersion: "OLD" },
      { host: "1.1.1.3", role: "workers", state: "switched", version: "999", previousVersion: "OLD" },
    ]);
  });
});
