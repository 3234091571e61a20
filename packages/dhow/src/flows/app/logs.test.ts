import { describe, expect, it } from "vitest";
import { RecordingExecutor } from "../../testing/recording-executor.js";
import { appLogs } from "./logs.js";
import { APP_CONFIG, fakeHandOver, shown } from "../../testing/ops-fixtures.js";
import { testContext } from "../../testing/test-context.js";

const CURRENT_WEB_ID =
  "sh -c 'docker ps --latest --quiet --filter label=service=app --filter label=destination= --filter label=role=web --filter status=running --filter status=restarting --filter ancestor=$(docker image ls --filter reference=ghcr.io/dhh/app:latest --format '\\''{{.ID}}'\\'') ; docker ps --latest --quiet --filter label=service=app --filter label=destination= --filter label=role=web --filter status=running --filter status=restarting' | head -1";

describe("appLogs", () => {
  it("shows the last 100 lines of the running container per host and role (§5.7)", async () => {
    const executor = new RecordingExecutor().respond(/xargs docker logs/, ({ host }) => ({
      stdout: `log of ${host}\n`,
    }));
    const ctx = testContext({ raw: APP_CONFIG, executor });
    await appLogs(ctx);
    expect(executor.commands("1.1.1.1")).toEqual([
      `${CURRENT_WEB_ID} | xargs docker logs --timestamps --tail 100 2>&1`,
    ]);
    expect(executor.commands("1.1.1.3")[0]).toContain("label=role=workers");
    expect(shown(ctx.logger).slice(0, 3)).toEqual(["App Host: 1.1.1.1", "log of 1.1.1.1", ""]);
  });

  it("no default line count with --since or --grep; grep options, -T and --container-id pass through", async () => {
    const ctx = testContext({ raw: APP_CONFIG, selection: { hosts: "1.1.1.1" } });
    await appLogs(ctx, { since: "5m", grep: "GET /up", grepOptions: "-i", skipTimestamps: true, containerId: "abc" });
    expect(ctx.executor.commands("1.1.1.1")).toEqual([
      "sh -c 'echo abc' | xargs docker logs --since 5m 2>&1 | grep 'GET /up' -i",
    ]);
    const lines = testContext({ raw: APP_CONFIG, selection: { hosts: "1.1.1.1" } });
    await appLogs(lines, { lines: 7 });
    expect(lines.executor.commands("1.1.1.1")[0]).toMatch(/xargs docker logs --timestamps --tail 7 2>&1$/);
  });

  it("prints Nothing found for a host whose command fails", async () => {
    const executor = new RecordingExecutor().respond(/xargs docker logs/, ({ host }) =>
      host === "1.1.1.2" ? { exitCode: 123 } : { stdout: "ok" },
    );
    const ctx = testContext({ raw: APP_CONFIG, executor });
    await appLogs(ctx);
    expect(shown(ctx.logger)).toContain("Nothing found");
  });

  it("--follow: ssh -t to the primary host with 10 lines, and resolves with ssh's exit code", async () => {
    const handOver = fakeHandOver(130);
    const ctx = testContext({ raw: APP_CONFIG });
    const code = await appLogs(ctx, { follow: true, handOver });
    expect(code).toBe(130);
    expect(ctx.executor.calls).toEqual([]);
    expect(handOver.lines).toEqual([
      `ssh -t root@1.1.1.1 -p 22 '${CURRENT_WEB_ID.replaceAll("'", "'\\''")} | xargs docker logs --timestamps --tail 10 --follow 2>&1'`,
    ]);
    expect(shown(ctx.logger)[0]).toBe("Following logs on 1.1.1.1...");
  });

  it("--follow with --hosts and --grep: that host, its role, no default lines, grep with double quotes", async () => {
    const handOver = fakeHandOver();
    const ctx = testContext({ raw: APP_CONFIG, selection: { hosts: "1.1.1.3" } });
    await appLogs(ctx, { follow: true, grep: "boom", handOver });
    expect(handOver.lines[0]).toMatch(
      /^ssh -t root@1\.1\.1\.3 -p 22 'sh -c .*role=workers.*--follow 2>&1 \| grep "boom"'$/,
    );
    expect(handOver.lines[0]).not.toContain("--tail");
  });
});
