import { describe, expect, it } from "vitest";
import { testContext } from "../../testing/test-context.js";
import { TRACE_CONFIG } from "../../testing/deploy-fixtures.js";
import { defer, dropPending, takePending } from "./pending.js";

describe("pending steps", () => {
  it("sends the steps marked last after the others, whenever they were queued", () => {
    const ctx = testContext({ raw: TRACE_CONFIG });
    defer(ctx, "h", [{ command: ["report"], last: true }, { command: ["a"] }]);
    defer(ctx, "h", [{ command: ["b"] }]);
    expect(takePending(ctx, "h").map((step) => step.command)).toEqual([["a"], ["b"], ["report"]]);
    expect(takePending(ctx, "h")).toEqual([]);
  });

  it("keeps only the cleanup marked evenIfInterrupted after a failure", () => {
    const ctx = testContext({ raw: TRACE_CONFIG });
    defer(ctx, "h", [{ command: ["prune"] }, { command: ["report"], last: true, evenIfInterrupted: true }]);
    dropPending(ctx);
    expect(takePending(ctx, "h").map((step) => step.command)).toEqual([["report"]]);
  });
});
