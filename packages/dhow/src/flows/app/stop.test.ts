import { describe, expect, it } from "vitest";
import { RecordingExecutor } from "../../testing/recording-executor.js";
import { appStop } from "./stop.js";
import { APP_CONFIG, auditLine, isCurrentVersionQuery, LOCK_RELEASE, withoutLock } from "../../testing/ops-fixtures.js";
import { testContext } from "../../testing/test-context.js";
import { DryRunExecutor, PlanRecorder } from "../../remote/dry-run-executor.js";

describe("appStop", () => {
  it("removes proxy roles from kamal-proxy first, then stops the current container", async () => {
    const executor = new RecordingExecutor()
      .respond(({ command }) => isCurrentVersionQuery(command), { stdout: "V1\n" })
      .respond(/name=\^app-web-V1\$/, { stdout: "cid\n" });
    const ctx = testContext({ raw: APP_CONFIG, executor });
    await appStop(ctx);
    const web = withoutLock(ctx.executor.commands("1.1.1.2"));
    expect(web[0]).toBe(auditLine("[web] Stopped app"));
    expect(web[2]).toBe("docker container ls --all --filter 'name=^app-web-V1$' --quiet");
    expect(web[3]).toBe("docker exec kamal-proxy kamal-proxy remove app-web");
    expect(web[4]).toMatch(/^sh -c 'docker ps --latest --quiet .*role=web.*' \| head -1 \| xargs docker stop$/);
    expect(web).toHaveLength(5);
    const workers = withoutLock(ctx.executor.commands("1.1.1.3"));
    expect(workers).toEqual([
      auditLine("[workers] Stopped app"),
      expect.stringMatching(
        /^sh -c 'docker ps --latest --quiet .*role=workers.*' \| head -1 \| xargs docker stop -t 30$/,
      ),
    ]);
    expect(ctx.executor.commands("1.1.1.1").at(-1)).toBe(LOCK_RELEASE);
  });

  it("--dry-run asks the hosts what runs (reads only) and plans the proxy removal from their answers", async () => {
    const host = new RecordingExecutor()
      .respond(({ command }) => isCurrentVersionQuery(command), { stdout: "V1\n" })
      .respond(/name=\^app-web-V1\$/, { stdout: "cid\n" });
    const plan = new PlanRecorder();
    const base = testContext({ raw: APP_CONFIG, executor: host, plan });
    await appStop({ ...base, executor: new DryRunExecutor(plan, host) });
    expect(host.commands("1.1.1.2")).toEqual([
      expect.stringMatching(/^sh -c 'docker ps --latest --format/),
      "docker container ls --all --filter 'name=^app-web-V1$' --quiet",
    ]);
    const planned = plan.entries.flatMap((entry) =>
      entry.kind === "script" && entry.host === "1.1.1.2" ? entry.steps.filter((step) => !step.read) : [],
    );
    expect(planned.map((step) => step.text)).toContain("docker exec kamal-proxy kamal-proxy remove app-web");
  });

  it("does not touch the proxy when no container is running", async () => {
    const ctx = testContext({ raw: APP_CONFIG });
    await appStop(ctx);
    expect(ctx.executor.commands().some((c) => c.includes("kamal-proxy remove"))).toBe(false);
    expect(ctx.executor.commands("1.1.1.1").some((c) => c.endsWith("xargs docker stop"))).toBe(true);
  });

  it("boots roles in parallel with boot.parallel_roles, still one branch per role", async () => {
    const ctx = testContext({
      raw: { ...APP_CONFIG, servers: { web: ["1.1.1.1"], workers: ["1.1.1.1"] }, boot: { parallel_roles: true } },
    });
    await appStop(ctx);
    const stops = ctx.executor.commands("1.1.1.1").filter((c) => c.includes("xargs docker stop"));
    expect(stops).toHaveLength(2);
  });
});
