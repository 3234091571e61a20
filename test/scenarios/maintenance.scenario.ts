/**
 * `app maintenance` / `app live` (Kamal: app_test "maintenance and live" and "custom error pages"): in
 * maintenance the proxy answers 503 with the app's own error page from error_pages_path; live serves
 * again. Also `app stop` / `app start`: the proxy forgets the service and gets it back.
 */
import { check, expectEqual, expectMatch } from "./lib/assert.js";
import { expectServing, runningNames } from "./lib/checks.js";
import { request } from "./lib/http.js";
import type { Scenario } from "./lib/scenario.js";

const scenario: Scenario = {
  name: "maintenance",
  description: "app maintenance (503 with the custom error page) and live; app stop and start",
  hosts: 2,
  async run(t) {
    const hosts = t.hosts;
    const app = await t.app("app", { env: { SCENARIO_ERROR_PAGES: "1" } });
    const v1 = await app.revision();
    await t.step("dhow setup (v1)", () => app.dhow(["setup"]));

    await t.step("error pages are uploaded for the version", async () => {
      for (const host of hosts) {
        const page = await t.sandbox.readFile(host, `.kamal/proxy/apps-config/app/error_pages/${v1}/503.html`);
        expectMatch(page, "custom 503 page", `503.html on ${host}`);
      }
    });

    await t.step("dhow app maintenance → 503 with the custom page", async () => {
      await app.dhow(["app", "maintenance"]);
      for (const host of hosts) {
        const res = await request(host, "/version");
        expectEqual(res.status, 503, `status of GET /version on ${host} in maintenance`);
        expectMatch(res.body, "custom 503 page", `body of GET /version on ${host} in maintenance`);
      }
    });

    await t.step("dhow app live → serving again", async () => {
      await app.dhow(["app", "live"]);
      await expectServing(hosts, "v1");
    });

    await t.step("dhow app stop → nothing runs, the proxy has no route", async () => {
      await app.dhow(["app", "stop"]);
      for (const host of hosts) {
        expectEqual(await runningNames(t.sandbox, host, "app"), [], `running app containers on ${host} after app stop`);
        const res = await request(host, "/version");
        check(res.status >= 400, `GET /version on ${host} answered ${res.status} after app stop`);
      }
    });

    await t.step("dhow app start → serving again", async () => {
      await app.dhow(["app", "start"]);
      await expectServing(hosts, "v1");
    });
  },
};

export default scenario;
