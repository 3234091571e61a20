import { describe, expect, it } from "vitest";
import { RecordingExecutor } from "../../testing/recording-executor.js";
import { APP_CONFIG, auditLine, fakeHandOver, progressLines, shown, withoutLock } from "../../testing/ops-fixtures.js";
import { proxyDetails } from "./details.js";
import { proxyLogs } from "./logs.js";
import { proxyRemove } from "./remove.js";
import { proxyRestart } from "./restart.js";
import { testContext } from "../../testing/test-context.js";

const COUNT = "ls .kamal/apps | wc -l";

describe("proxy remove / restart / details / logs", () => {
  it("remove: checks for other apps, then stops, prunes container and image, removes .kamal/proxy (§5.7)", async () => {
    const executor = new RecordingExecutor().respond(COUNT, { stdout: "0\n" });
    const ctx = testContext({ raw: APP_CONFIG, executor });
    await proxyRemove(ctx);
    expect(withoutLock(executor.commands("1.1.1.2"))).toEqual([
      COUNT,
      auditLine("Stopped proxy"),
      "docker container stop kamal-proxy",
      auditLine("Removed proxy container"),
      "docker container prune --force --filter label=org.opencontainers.image.title=kamal-proxy",
      auditLine("Removed proxy image"),
      "docker image prune --all --force --filter label=org.opencontainers.image.title=kamal-proxy",
      "rm -r .kamal/proxy",
    ]);
  });

  it("remove: shows each proxy host's steps as they run and when they are done", async () => {
    const executor = new RecordingExecutor().respond(COUNT, { stdout: "0\n" });
    const ctx = testContext({ raw: APP_CONFIG, executor });
    await proxyRemove(ctx);
    for (const host of ["1.1.1.1", "1.1.1.2"]) {
      expect(progressLines(ctx.logger, host)).toEqual(
        ["stop proxy", "remove proxy container", "remove proxy image", "remove proxy directory"].flatMap((step) => [
          `${step}...`,
          `${step} done in Ns`,
        ]),
      );
    }
    expect(progressLines(ctx.logger, "1.1.1.3")).toEqual([]);
  });

  it("remove: refuses while another app is installed on a proxy host", async () => {
    const executor = new RecordingExecutor().respond(COUNT, ({ host }) => ({
      stdout: host === "1.1.1.2" ? "1\n" : "0\n",
    }));
    const ctx = testContext({ raw: APP_CONFIG, executor });
    await proxyRemove(ctx);
    expect(withoutLock(executor.commands())).toEqual([COUNT, COUNT]);
    expect(shown(ctx.logger)).toContain(
      "Not removing the proxy, as other apps are installed, ignore this check with dhow proxy remove --force",
    );
  });

  it("remove --force: removes anyway", async () => {
    const executor = new RecordingExecutor().respond(COUNT, { stdout: "2\n" });
    const ctx = testContext({ raw: APP_CONFIG, executor });
    await proxyRemove(ctx, { force: true });
    expect(shown(ctx.logger)).toContain("Forcing, so removing the proxy, even though other apps are installed");
    expect(executor.commands("1.1.1.1")).toContain("rm -r .kamal/proxy");
  });

  it("restart: stop then start on the proxy hosts only", async () => {
    const ctx = testContext({ raw: APP_CONFIG });
    await proxyRestart(ctx);
    expect(withoutLock(ctx.executor.commands("1.1.1.1"))).toEqual([
      auditLine("Stopped proxy"),
      "docker container stop kamal-proxy",
      auditLine("Started proxy"),
      "docker container start kamal-proxy",
    ]);
    expect(withoutLock(ctx.executor.commands("1.1.1.3"))).toEqual([]);
  });

  it("details: docker ps by exact name under Proxy Host headers", async () => {
    const executor = new RecordingExecutor().respond(/^docker ps/, { stdout: "ps\n" });
    const ctx = testContext({ raw: APP_CONFIG, executor });
    await proxyDetails(ctx);
    expect(executor.commands("1.1.1.1")).toEqual(["docker ps --filter 'name=^kamal-proxy$'"]);
    expect(shown(ctx.logger).slice(0, 2)).toEqual(["Proxy Host: 1.1.1.1", "ps"]);
  });

  it("logs: 100 lines by default; --follow over ssh -t on the primary host", async () => {
    const ctx = testContext({ raw: APP_CONFIG });
    await proxyLogs(ctx);
    expect(ctx.executor.commands("1.1.1.2")).toEqual(["docker logs kamal-proxy --tail 100 --timestamps 2>&1"]);
    const handOver = fakeHandOver();
    await proxyLogs(ctx, { follow: true, grep: "x", handOver });
    expect(handOver.lines).toEqual([
      `ssh -t root@1.1.1.1 -p 22 'docker logs kamal-proxy --timestamps --tail 10 --follow 2>&1 | grep "x"'`,
    ]);
  });
});
