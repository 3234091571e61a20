/**
 * `dhow setup` on fresh servers, then `dhow deploy` of a new commit while both proxies are polled: no
 * request fails, the answers switch from v1 to v2, the old container is stopped (kept for rollback), the
 * `latest` tag moves, assets of the previous version stay reachable. Kamal: main_test "deploy".
 */
import { check, expectEqual, expectMatch } from "./lib/assert.js";
import { appContainers, expectNoLock, expectRunningVersion, expectServing } from "./lib/checks.js";
import { sleep } from "./lib/exec.js";
import { poll, request } from "./lib/http.js";
import type { Scenario } from "./lib/scenario.js";

const scenario: Scenario = {
  name: "deploy",
  description: "setup, then a zero-downtime deploy of a new commit (old version stopped and kept, latest tag moved)",
  hosts: 2,
  async run(t) {
    const hosts = t.hosts;
    const app = await t.app("app");
    const v1 = await app.revision();

    await t.step("dhow setup", () => app.dhow(["setup"]));
    await t.step("v1 serves on every host", async () => {
      await expectServing(hosts, "v1");
      await expectRunningVersion(t.sandbox, hosts, { service: "app", role: "web", version: v1 });
      for (const host of hosts) {
        const proxy = (await t.sandbox.containers(host)).find((c) => c.name === "kamal-proxy");
        check(proxy?.state === "running", `kamal-proxy is not running on ${host}`);
      }
    });

    const v2 = await app.commit("v2", {
      "www/version": "v2\n",
      "www/assets/v1.txt": null,
      "www/assets/v2.txt": "v2 asset\n",
    });
    await t.step("dhow deploy v2 while polling both proxies", async () => {
      const pollers = hosts.map((host) => poll(host, "/version"));
      await app.dhow(["deploy"]);
      await sleep(500); // a few requests after the switch
      const reports = await Promise.all(pollers.map((p) => p.stop()));
      reports.forEach((report, i) => {
        t.log(
          `${hosts[i]}: ${report.requests} requests, ${report.errors.length} errors, ${JSON.stringify(report.bodies)}`,
        );
        check(report.requests > 10, `only ${report.requests} requests reached ${hosts[i]} during the deploy`);
        expectEqual(report.errors.slice(0, 5), [], `failed requests to ${hosts[i]} during the deploy`);
        expectEqual(report.sequence, ["v1", "v2"], `versions ${hosts[i]} answered during the deploy, in order`);
      });
    });

    await t.step("v2 serves, v1 is stopped but kept", async () => {
      await expectServing(hosts, "v2");
      await expectRunningVersion(t.sandbox, hosts, { service: "app", role: "web", version: v2 });
      for (const host of hosts) {
        const old = (await appContainers(t.sandbox, host, "app", "web")).find((c) => c.name === `app-web-${v1}`);
        check(old, `app-web-${v1} was removed from ${host}; it must stay (stopped) for rollback`);
        check(old.state === "exited", `app-web-${v1} on ${host} is ${old.state}, expected exited`);
        await expectNoLock(t.sandbox, host, "app");
      }
    });

    await t.step("assets of v1 are still served by v2 (asset bridging)", async () => {
      for (const host of hosts) {
        const both = [await request(host, "/assets/v1.txt"), await request(host, "/assets/v2.txt")];
        expectEqual(
          both.map((r) => r.status),
          [200, 200],
          `GET /assets/v1.txt and /assets/v2.txt on ${host}`,
        );
      }
    });

    await t.step("the latest tag points at v2 on every host", async () => {
      const repository = `${t.sandbox.env.registry}/scenarios/app`;
      for (const host of hosts) {
        const ids = await t.sandbox.ssh(
          host,
          `docker image inspect --format '{{.Id}}' ${repository}:latest ${repository}:${v2}`,
        );
        const [latest, current] = ids.trim().split("\n");
        check(
          latest && latest === current,
          `${repository}:latest on ${host} is ${latest}, not the v2 image ${current}`,
        );
      }
    });

    await t.step("dhow details and app version", async () => {
      const details = await app.dhow(["details"]);
      expectMatch(details.stdout, `app-web-${v2}`, "dhow details");
      expectMatch(details.stdout, "kamal-proxy", "dhow details");
      const version = await app.dhow(["app", "version"]);
      for (const host of hosts) expectMatch(version.stdout, host, "dhow app version");
      expectMatch(version.stdout, v2, "dhow app version");
    });
  },
};

export default scenario;
