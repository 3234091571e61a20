import { describe, expect, it } from "vitest";
import { RecordingExecutor } from "../../testing/recording-executor.js";
import { appStart } from "./start.js";
import {
  APP_CONFIG,
  auditLine,
  isCurrentVersionQuery,
  LOCK_ACQUIRE,
  LOCK_RELEASE,
  withoutLock,
} from "../../testing/ops-fixtures.js";
import { testContext } from "../../testing/test-context.js";
import { DryRunExecutor, PlanRecorder } from "../../remote/dry-run-executor.js";

function running() {
  return new RecordingExecutor()
    .respond(({ command }) => isCurrentVersionQuery(command), { stdout: "V1\n" })
    .respond(/^docker container ls --all --filter 'name=\^app-web-V1\$' --quiet$/, ({ host }) => ({
      stdout: `cid-${host}\n`,
    }));
}

describe("appStart", () => {
  it("starts the container and re-registers proxy roles with kamal-proxy, holding the lock", async () => {
    const ctx = testContext({ raw: APP_CONFIG, executor: running(), version: "V1" });
    await appStart(ctx);
    const web = ctx.executor.commands("1.1.1.2");
    expect(withoutLock(web)).toEqual([
      auditLine("Started app version V1"),
      "docker start app-web-V1",
      expect.stringMatching(
        /^sh -c 'docker ps --latest --format .*role=web.* \| head -1 \| while read line; do echo \$\{line#app-web-\}; done$/,
      ),
      "docker container ls --all --filter 'name=^app-web-V1$' --quiet",
      'docker exec kamal-proxy kamal-proxy deploy app-web --target="cid-1.1.1.2:3000" --host="app.example.com" --deploy-timeout="30s" --drain-timeout="30s" --buffer-requests --buffer-responses --log-request-header="Cache-Control" --log-request-header="Last-Modified" --log-request-header="User-Agent"',
    ]);
    expect(withoutLock(ctx.executor.commands("1.1.1.3"))).toEqual([
      auditLine("Started app version V1"),
      "docker start app-workers-V1",
    ]);
    const primary = ctx.executor.commands("1.1.1.1");
    expect(primary[1]).toMatch(LOCK_ACQUIRE);
    expect(primary.at(-1)).toBe(LOCK_RELEASE);
  });

  it("fails naming the role and host when no container runs after the start", async () => {
    const ctx = testContext({ raw: APP_CONFIG, version: "V1" });
    await expect(appStart(ctx)).rejects.toThrow(
      /Failed to get endpoint for web on 1\.1\.1\.1, did the container boot\?[\s\S]*Failed to get endpoint for web on 1\.1\.1\.2/,
    );
    expect(ctx.executor.commands("1.1.1.1").at(-1)).toBe(LOCK_RELEASE);
    expect(ctx.executor.commands("1.1.1.3")).toContain("docker start app-workers-V1");
  });

  it("with boot.parallel_roles, keeps each host's kamal-proxy reason when several hosts fail", async () => {
    const reason = "Error: target failed to become healthy within configured timeout (30s)";
    const ctx = testContext({
      raw: { ...APP_CONFIG, boot: { parallel_roles: true } },
      version: "V1",
      executor: running().respond(/kamal-proxy deploy app-web/, { exitCode: 1, stderr: `${reason}\n` }),
    });
    const error = await appStart(ctx).catch((e: unknown) => e as Error);
    const lines = error.message.split("\n");
    expect(lines[0]).toBe("Exceptions on 2 hosts:");
    expect(
      lines.filter((line) => line.startsWith("docker exec kamal-proxy")).map((line) => line.split(" failed on ")[1]),
    ).toEqual(["1.1.1.1 (exit 1: error)", "1.1.1.2 (exit 1: error)"]);
    expect(lines.filter((line) => line === `  ${reason}`)).toHaveLength(2);
  });

  it("ignores a failing docker start (Kamal: raise_on_non_zero_exit false)", async () => {
    const ctx = testContext({
      raw: APP_CONFIG,
      version: "V1",
      executor: running().respond(/^docker start/, { exitCode: 1, stderr: "No such container" }),
    });
    await appStart(ctx);
    expect(ctx.executor.commands("1.1.1.1").some((c) => c.includes("kamal-proxy deploy app-web"))).toBe(true);
  });

  it("--dry-run --offline plans the proxy registration with a placeholder for the container it would start", async () => {
    const plan = new PlanRecorder({ offline: true });
    const base = testContext({ raw: APP_CONFIG, plan });
    await appStart({ ...base, executor: new DryRunExecutor(plan) });
    const steps = plan.entries.flatMap((entry) =>
      entry.kind === "script" && entry.host === "1.1.1.2" ? entry.steps.map((step) => step.text) : [],
    );
    expect(steps).toContainEqual(
      expect.stringContaining('kamal-proxy deploy app-web --target="<ID of the web container started above>:'),
    );
  });
});
