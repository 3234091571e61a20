/**
 * A version whose health check fails never gets traffic (Kamal: broken_deploy_test): the deploy fails,
 * the old version keeps serving throughout (polled), the new container is stopped, the lock is released.
 */
import { check, expectEqual } from "./lib/assert.js";
import { appContainers, expectNoLock, expectRunningVersion, expectServing } from "./lib/checks.js";
import { poll } from "./lib/http.js";
import type { Scenario } from "./lib/scenario.js";

const scenario: Scenario = {
  name: "broken-deploy",
  description: "a version failing its health check: deploy fails, the old version serves throughout, lock released",
  hosts: 2,
  async run(t) {
    const hosts = t.hosts;
    const app = await t.app("app");
    const v1 = await app.revision();
    await t.step("dhow setup (v1)", () => app.dhow(["setup"]));

    // No /up any more: the proxy's health check gets 404 until deploy_timeout (10 s).
    const broken = await app.commit("broken", { "www/up": null, "www/version": "broken\n" });
    await t.step("dhow deploy of the broken version fails while v1 keeps serving", async () => {
      const pollers = hosts.map((host) => poll(host, "/version"));
      const result = await app.dhow(["deploy"], { allowFailure: true });
      const reports = await Promise.all(pollers.map((p) => p.stop()));
      check(result.code !== 0, "dhow deploy of a version without a healthy /up succeeded");
      reports.forEach((report, i) => {
        t.log(`${hosts[i]}: ${report.requests} requests, sequence ${JSON.stringify(report.sequence)}`);
        expectEqual(report.errors.slice(0, 5), [], `failed requests to ${hosts[i]} during the broken deploy`);
        expectEqual(report.sequence, ["v1"], `versions ${hosts[i]} answered during the broken deploy`);
      });
    });

    await t.step("v1 still runs, the broken container is not running, no lock", async () => {
      await expectServing(hosts, "v1");
      await expectRunningVersion(t.sandbox, hosts, { service: "app", role: "web", version: v1 });
      for (const host of hosts) {
        const bad = (await appContainers(t.sandbox, host, "app", "web")).find((c) => c.name === `app-web-${broken}`);
        check(bad?.state !== "running", `app-web-${broken} is still running on ${host}`);
        await expectNoLock(t.sandbox, host, "app");
      }
    });

    const fixed = await app.commit("fixed", { "www/up": "OK\n", "www/version": "v3\n" });
    await t.step("the next good version deploys", async () => {
      await app.dhow(["deploy"]);
      await expectServing(hosts, "v3");
      await expectRunningVersion(t.sandbox, hosts, { service: "app", role: "web", version: fixed });
    });
  },
};

export default scenario;
