import { describe, expect, it } from "vitest";
import { appRemove } from "./remove.js";
import { removeAppContainer } from "./remove-container.js";
import {
  APP_CONFIG,
  auditLine,
  LOCK_ACQUIRE,
  LOCK_RELEASE,
  progressLines,
  withoutLock,
} from "../../testing/ops-fixtures.js";
import { testContext } from "../../testing/test-context.js";

const SHARED = {
  ...APP_CONFIG,
  servers: { web: ["1.1.1.1", "1.1.1.2"], workers: { hosts: ["1.1.1.2", "1.1.1.3"], cmd: "bin/jobs" } },
};

describe("appRemove", () => {
  it("stops, prunes containers per role, removes images and directories, under one lock (§5.7)", async () => {
    const ctx = testContext({ raw: APP_CONFIG });
    await appRemove(ctx);
    const primary = ctx.executor.commands("1.1.1.1");
    expect(primary[1]).toMatch(LOCK_ACQUIRE);
    expect(primary.filter((c) => LOCK_ACQUIRE.test(c))).toHaveLength(1);
    expect(primary.at(-1)).toBe(LOCK_RELEASE);
    const web = withoutLock(primary);
    expect(web.slice(-7)).toEqual([
      auditLine("[web] Removed all app containers"),
      "docker container prune --force --filter label=service=app --filter label=destination= --filter label=role=web",
      auditLine("Removed all app images"),
      "docker image prune --all --force --filter label=service=app",
      "rm -r .kamal/apps/app",
      auditLine("Removed .kamal/apps/app"),
      "rm -r .kamal/proxy/apps-config/app",
    ]);
    expect(web[0]).toBe(auditLine("[web] Stopped app"));
  });

  it("shows each host's steps as they run and when they are done", async () => {
    const ctx = testContext({ raw: APP_CONFIG });
    await appRemove(ctx);
    const steps = (...names: string[]) => names.flatMap((step) => [`${step}...`, `${step} done in Ns`]);
    expect(progressLines(ctx.logger, "1.1.1.2")).toEqual(
      steps("stop web", "remove web containers", "remove app images", "remove app directories"),
    );
    expect(progressLines(ctx.logger, "1.1.1.3")).toEqual(
      steps("stop workers", "remove workers containers", "remove app images", "remove app directories"),
    );
  });

  it("removes images and directories only where every role of the host is selected", async () => {
    const ctx = testContext({ raw: SHARED, selection: { roles: "workers" } });
    await appRemove(ctx);
    const shared = ctx.executor.commands("1.1.1.2");
    expect(shared).toContain(
      "docker container prune --force --filter label=service=app --filter label=destination= --filter label=role=workers",
    );
    expect(shared.some((c) => c.startsWith("docker image prune") || c.startsWith("rm -r"))).toBe(false);
    expect(ctx.executor.commands("1.1.1.3")).toContain("rm -r .kamal/apps/app");
    // Only the lock (and the .kamal it needs) touches the unselected primary host.
    expect(ctx.executor.commands("1.1.1.1").filter((c) => !c.includes("lock-app"))).toEqual(["mkdir -p .kamal"]);
  });

  it("tolerates missing directories", async () => {
    const ctx = testContext({ raw: APP_CONFIG, selection: { hosts: "1.1.1.3" } });
    ctx.executor.respond(/^rm -r \.kamal\/(apps|proxy)/, { exitCode: 1, stderr: "No such file or directory" });
    await appRemove(ctx);
    expect(ctx.executor.commands("1.1.1.3")).toContain("rm -r .kamal/proxy/apps-config/app");
  });

  it("remove_container VERSION removes that version's container per host and role", async () => {
    const ctx = testContext({ raw: APP_CONFIG });
    await removeAppContainer(ctx, "V3");
    expect(withoutLock(ctx.executor.commands("1.1.1.3"))).toEqual([
      auditLine("[workers] Removed app container with version V3"),
      "docker container ls --all --filter 'name=^app-workers-V3$' --quiet | xargs docker container rm",
    ]);
  });
});
