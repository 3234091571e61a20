import { describe, expect, it } from "vitest";
import { captureLogger, createLogger } from "../../output/logger.js";
import { TRACE_CONFIG } from "../../testing/deploy-fixtures.js";
import { formatElapsed, progressOf, withLiveProgress } from "./progress.js";
import { testContext } from "../../testing/test-context.js";

describe("progress", () => {
  it("prints a start and a finish line per phase when not live", async () => {
    const ctx = testContext({ raw: TRACE_CONFIG });
    const logger = captureLogger("normal");
    const result = await progressOf({ logger }).track({ label: "pull", host: "1.1.1.1" }, async () => 42);
    await progressOf({ logger }).track({ label: "build" }, async () => undefined);
    expect(result).toBe(42);
    expect(logger.lines).toEqual([
      "  1.1.1.1 pull...",
      expect.stringMatching(/^ {2}1\.1\.1\.1 pull done in \d+\.\ds$/),
      "  build...",
      expect.stringMatching(/^ {2}build done in \d+\.\ds$/),
    ]);
    expect(withLiveProgress(ctx, { live: false }).ctx).toBe(ctx);
  });

  it("keeps a status line with elapsed times in a terminal, cleared around other output", async () => {
    const written: string[] = [];
    const logger = createLogger({ stdout: (text) => written.push(text), stderr: (text) => written.push(text) });
    const base = { ...testContext({ raw: TRACE_CONFIG }), logger };
    let now = 0;
    const { ctx, stop } = withLiveProgress(base, { live: true, intervalMs: 60_000, columns: 80, now: () => now });
    await progressOf(ctx).track({ label: "health", host: "1.1.1.3" }, async () => {
      now = 3_000;
      ctx.logger.say("Something else");
    });
    stop();
    expect(written).toEqual([
      "  1.1.1.3 health 0s",
      "\r\u001b[2K",
      "Something else\n",
      "  1.1.1.3 health 3s",
      "\r\u001b[2K",
      "  1.1.1.3 health done in 3.0s\n",
    ]);
    expect(ctx.withVersion("123").logger).toBe(ctx.logger);
  });

  it("formats elapsed time with one decimal", () => {
    expect(formatElapsed(12_345)).toBe("12.3s");
  });
});
