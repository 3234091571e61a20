/**
 * Ctrl-C during a deploy never causes an outage (issue 7, item 1). The app takes several seconds to pass
 * its health check; `dhow deploy` is interrupted during the pull, while the proxy waits for the new version,
 * while the workers wait at the primary-role barrier, and right after the switch. Both proxies are polled
 * throughout: no request fails. After each interrupt the lock is released, every host serves one version
 * with the containers matching what the proxy routes to (and what dhow printed), and the next deploy works.
 */
import { check, expectEqual, expectMatch } from "./lib/assert.js";
import { expectNoLock, runningNames, servedVersion } from "./lib/checks.js";
import { sleep } from "./lib/exec.js";
import { poll, type Poller } from "./lib/http.js";
import type { Scenario, ScenarioContext } from "./lib/scenario.js";
import type { App } from "./lib/workspace.js";

/** Seconds a new version takes to answer /up (below deploy_timeout: 30). */
const DELAY = 6;

const scenario: Scenario = {
  name: "interrupted-deploy",
  description:
    "Ctrl-C during pull, proxy deploy wait, barrier and after the switch: no failed request, lock released, hosts consistent, next deploy fine",
  hosts: 2,
  async run(t) {
    const hosts = t.hosts;
    const [vm1, vm2] = hosts as [string, string];
    const app = await t.app("app_slow");
    const shas: Record<string, string> = {};
    const release = async (label: string, delay: number) => {
      shas[label] = await app.commit(label, { "www/version": `${label}\n`, "www/delay": `${delay}\n` });
    };
    const expectConsistent = (latest: string) => expectHostsConsistent(t, shas, latest);
    await release("v1", 1);
    await t.step("dhow setup (v1)", () => app.dhow(["setup"]));
    expectEqual(await servedVersion(vm1), "v1", "version served by the first server");

    // 1. During the pull (the first script took the lock, read the hosts and pulls): the pulls under way
    //    finish, no container starts, the lock is released, nothing served changes.
    await release("v2", DELAY);
    await interrupted(t, app, "pull", /\bpull\.\.\./, 0, async (output) => {
      expectMatch(output, /Releasing the deploy lock/, "the lock taken in the first script released");
      check(!/\bboot\b|proxy deploy/.test(output), "dhow booted a container after Ctrl-C during the pull");
      await expectConsistent("v1");
    });

    // 2. While the proxy health-checks the slow new version (the boot script is under way on each host):
    //    the switch completes, then dhow stops.
    await interrupted(t, app, "proxy deploy wait", /web boot\.\.\./, 1500, async (output) => {
      await expectConsistent("v2");
      expectMatch(output, /Interrupted during app boot/, "dhow's report of each host's state");
      expectMatch(output, new RegExp(`${esc(vm1)} web: new version \\S+ \\(switched, tagged latest\\)`), "vm1's state");
      expectMatch(output, new RegExp(`${esc(vm2)} web: new version \\S+ \\(switched\\)`), "vm2's web state");
      expectMatch(
        output,
        new RegExp(`${esc(vm2)} workers: previous version \\S+ \\(new version not started\\)`),
        "vm2's workers",
      );
      check(!/Prune old containers/.test(output), "dhow pruned after Ctrl-C");
    });

    // 3. While the workers wait at the barrier for the first healthy web container.
    await release("v3", DELAY);
    await interrupted(t, app, "barrier", /Waiting for the first healthy web container/, 500, async (output) => {
      await expectConsistent("v3");
      expectMatch(output, /Interrupted, not booting workers/, "the workers at the barrier");
      expectMatch(
        output,
        new RegExp(`${esc(vm2)} workers: previous version \\S+ \\(new version not started\\)`),
        "vm2's workers",
      );
    });

    // 4. Right after the first switch.
    await release("v4", 1);
    await interrupted(t, app, "after the switch", /First web container is healthy/, 0, async () => {
      await expectConsistent("v4");
    });

    // The next deploy is fine and leaves one container of each role running.
    await release("v5", 1);
    const v5 = shas["v5"]!;
    await t.step("the next deploy works", async () => {
      const pollers = hosts.map((host) => poll(host, "/version"));
      await app.dhow(["deploy"]);
      await expectNoFailures(t, pollers);
      for (const host of hosts) {
        expectEqual(await servedVersion(host), "v5", `version served by ${host}`);
        expectEqual(await runningNames(t.sandbox, host, "slow", "web"), [`slow-web-${v5}`], `web on ${host}`);
      }
      expectEqual(await runningNames(t.sandbox, vm2, "slow", "workers"), [`slow-workers-${v5}`], "workers");
    });
  },
};

/** Deploys, pressing Ctrl-C `delayMs` after the output matches `when`, polling both proxies throughout. */
async function interrupted(
  t: ScenarioContext,
  app: App,
  point: string,
  when: RegExp,
  delayMs: number,
  verify: (output: string) => Promise<void>,
): Promise<void> {
  await t.step(`Ctrl-C ${point}`, async () => {
    const pollers = t.hosts.map((host) => poll(host, "/version"));
    const result = await app.dhow(["deploy"], { allowFailure: true, interrupt: { when, delayMs } });
    await sleep(300);
    await expectNoFailures(t, pollers);
    const output = result.stdout + result.stderr;
    t.log(`dhow deploy interrupted ${point}: exit ${result.code} after ${result.seconds.toFixed(1)}s`);
    expectEqual(result.code, 130, `exit code of dhow deploy interrupted ${point}`);
    for (const host of t.hosts) await expectNoLock(t.sandbox, host, "slow");
    await verify(output);
  });
}

async function expectNoFailures(t: ScenarioContext, pollers: Poller[]): Promise<void> {
  const reports = await Promise.all(pollers.map((p) => p.stop()));
  reports.forEach((report, i) => {
    t.log(`${t.hosts[i]}: ${report.requests} requests, sequence ${JSON.stringify(report.sequence)}`);
    check(report.requests > 5, `only ${report.requests} requests reached ${t.hosts[i]}`);
    expectEqual(report.errors.slice(0, 5), [], `failed requests to ${t.hosts[i]}`);
  });
}

/**
 * Every host is consistent: exactly one web container runs and it is the version its proxy serves, and
 * exactly one workers container runs (on the second server). `latest` is the version the interrupted deploy was deploying.
 */
async function expectHostsConsistent(
  t: ScenarioContext,
  shas: Readonly<Record<string, string>>,
  latest: string,
): Promise<void> {
  for (const host of t.hosts) {
    const served = await servedVersion(host);
    const web = await runningNames(t.sandbox, host, "slow", "web");
    t.log(`${host}: serves ${served}, running ${web.join(", ")} (the interrupted deploy was of ${latest})`);
    expectEqual(web, [`slow-web-${shas[served]}`], `running web containers on ${host} (its proxy serves ${served})`);
  }
  const workers = await runningNames(t.sandbox, t.hosts[1]!, "slow", "workers");
  check(workers.length === 1, `the second server runs ${workers.length} workers containers: ${workers.join(", ")}`);
}

function esc(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export default scenario;
