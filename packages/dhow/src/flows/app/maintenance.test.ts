import { describe, expect, it } from "vitest";
import { appLive } from "./live.js";
import { appMaintenance } from "./maintenance.js";
import { APP_CONFIG, LOCK_ACQUIRE, LOCK_RELEASE, withoutLock } from "../../testing/ops-fixtures.js";
import { testContext } from "../../testing/test-context.js";

describe("app maintenance / live", () => {
  it("maintenance: kamal-proxy stop with the config's drain timeout on proxy roles, holding the lock", async () => {
    const ctx = testContext({ raw: APP_CONFIG });
    await appMaintenance(ctx);
    expect(withoutLock(ctx.executor.commands("1.1.1.2"))).toEqual([
      'docker exec kamal-proxy kamal-proxy stop app-web --drain-timeout="30s"',
    ]);
    expect(withoutLock(ctx.executor.commands("1.1.1.3"))).toEqual([]);
    expect(ctx.executor.commands("1.1.1.1")[1]).toMatch(LOCK_ACQUIRE);
    expect(ctx.executor.commands("1.1.1.1").at(-1)).toBe(LOCK_RELEASE);
  });

  it("maintenance: --drain-timeout and --message", async () => {
    const ctx = testContext({ raw: APP_CONFIG, destination: "staging" });
    await appMaintenance(ctx, { drainTimeout: 10, message: "Back soon" });
    expect(ctx.executor.commands("1.1.1.2")).toContain(
      'docker exec kamal-proxy kamal-proxy stop app-web-staging --drain-timeout="10s" --message="Back soon"',
    );
  });

  it("live: kamal-proxy resume on proxy roles only", async () => {
    const ctx = testContext({
      raw: { ...APP_CONFIG, servers: { web: ["1.1.1.1"], workers: { hosts: ["1.1.1.1"], proxy: false } } },
    });
    await appLive(ctx);
    expect(withoutLock(ctx.executor.commands("1.1.1.1"))).toEqual([
      "docker exec kamal-proxy kamal-proxy resume app-web",
    ]);
  });
});
