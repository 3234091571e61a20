import { describe, expect, it } from "vitest";
import { PlanRecorder } from "../../remote/dry-run-executor.js";
import { testContext } from "../../testing/test-context.js";
import { APP_CONFIG } from "../../testing/ops-fixtures.js";
import { plannedValue } from "./planned-value.js";

describe("plannedValue", () => {
  it("keeps a real answer, and an empty one outside a dry run; a dry run shows a placeholder", () => {
    const ctx = testContext({ raw: APP_CONFIG });
    expect(plannedValue(ctx, "abc", "id")).toBe("abc");
    expect(plannedValue(ctx, "", "id")).toBe("");
    const dry = testContext({ raw: APP_CONFIG, plan: new PlanRecorder() });
    expect(plannedValue(dry, "abc", "id")).toBe("abc");
    expect(plannedValue(dry, "", "id of the running container")).toBe("<id of the running container>");
  });
});
