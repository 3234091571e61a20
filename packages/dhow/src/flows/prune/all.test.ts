import { describe, expect, it } from "vitest";
import { UsageError } from "../../errors.js";
import { TRACE_CONFIG } from "../../testing/deploy-fixtures.js";
import { auditLine, LOCK_ACQUIRE, LOCK_RELEASE, progressLines } from "../../testing/ops-fixtures.js";
import { pruneAll } from "./all.js";
import { pruneContainers } from "./containers.js";
import { testContext } from "../../testing/test-context.js";

describe("prune", () => {
  it("prunes containers then images on every host, one script each, with the lock", async () => {
    const raw = { ...TRACE_CONFIG, accessories: { db: { image: "mysql:8", host: "1.1.1.9" } } };
    const ctx = testContext({ raw });
    await pruneAll(ctx);
    const scripts = ctx.executor.calls.filter((call) => call.kind === "script" && call.host === "1.1.1.9");
    expect(scripts.map((call) => call.steps)).toEqual([
      [
        auditLine("Pruned containers"),
        "docker ps -q -a --filter label=service=app --filter status=created --filter status=exited --filter status=dead | tail -n +6 | while read container_id; do docker rm $container_id; done",
      ],
      [
        auditLine("Pruned images"),
        "docker image prune --force --filter label=service=app",
        expect.stringMatching(
          /^docker image ls --filter label=service=app .* while read image tag; do docker rmi \$tag; done$/,
        ),
      ],
    ]);
    const primary = ctx.executor.commands("1.1.1.1");
    expect(primary[1]).toMatch(LOCK_ACQUIRE);
    expect(primary.at(-1)).toBe(LOCK_RELEASE);
  });

  it("shows each host's pruning as it runs and when it is done", async () => {
    const ctx = testContext({ raw: TRACE_CONFIG });
    await pruneAll(ctx);
    for (const host of ["1.1.1.1", "1.1.1.2", "1.1.1.3"]) {
      expect(progressLines(ctx.logger, host)).toEqual([
        "prune containers...",
        "prune containers done in Ns",
        "prune images...",
        "prune images done in Ns",
      ]);
    }
  });

  it("keeps --retain containers, and refuses fewer than one", async () => {
    const ctx = testContext({ raw: { ...TRACE_CONFIG, retain_containers: 3 } });
    await pruneContainers(ctx);
    expect(ctx.executor.commands("1.1.1.1")).toContainEqual(expect.stringContaining("| tail -n +4 |"));
    await pruneContainers(ctx, { retain: 1 });
    expect(ctx.executor.commands("1.1.1.1")).toContainEqual(expect.stringContaining("| tail -n +2 |"));
    await expect(pruneContainers(ctx, { retain: 0 })).rejects.toThrow(UsageError);
    await expect(pruneContainers(ctx, { retain: 0 })).rejects.toThrow("retain must be at least 1");
  });
});
