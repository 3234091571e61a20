import { describe, expect, it } from "vitest";
import { BUILD_FACTS, fleetExecutor, instantTiming, localDocker, TRACE_CONFIG } from "../../testing/deploy-fixtures.js";
import { LOCK_RELEASE } from "../../testing/ops-fixtures.js";
import { redeploy } from "./redeploy.js";
import { testContext } from "../../testing/test-context.js";

describe("redeploy", () => {
  it("builds, then with the lock stops stale containers and boots, without network, proxy, accessories or prune", async () => {
    const raw = { ...TRACE_CONFIG, accessories: { redis: { image: "redis:7", host: "1.1.1.3" } } };
    const ctx = testContext({ raw, executor: fleetExecutor(), local: localDocker(), options: { command: "redeploy" } });
    await redeploy(ctx, { facts: BUILD_FACTS, timing: instantTiming() });
    const all = ctx.executor.commands();
    expect(all).not.toContain("docker network create kamal");
    // The gather step reads the proxy's version like a deploy's, but nothing starts or changes the proxy.
    expect(all.some((command) => command.includes("kamal-proxy ||") || command.includes(".kamal/proxy/"))).toBe(false);
    // Accessories are not booted; the one on a workers host only joins the `dhow` network (stable names).
    const names = all.filter((command) => command.includes("docker network create dhow"));
    expect(names.some((command) => command.includes("docker network connect dhow app-redis"))).toBe(true);
    expect(all.filter((command) => !names.includes(command)).some((command) => command.includes("app-redis"))).toBe(
      false,
    );
    expect(all.some((command) => command.includes("Pruned"))).toBe(false);
    expect(all).toContain("docker tag ghcr.io/dhh/app:999 ghcr.io/dhh/app:latest");
    expect(ctx.executor.commands("1.1.1.1").at(-1)).toBe(LOCK_RELEASE);
    expect(ctx.executor.commands("1.1.1.3").filter((command) => command.startsWith("docker run"))).toHaveLength(1);
  });
});
