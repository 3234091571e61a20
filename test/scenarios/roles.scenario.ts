/**
 * Roles with and without the proxy (Kamal: main_test "roles", app_with_roles): web behind the proxy on two
 * servers, workers with their own cmd and no proxy on a third; `--roles workers` deploys only the workers.
 */
import { check, expectEqual, expectMatch, expectNoMatch } from "./lib/assert.js";
import { expectRunningVersion, expectServing } from "./lib/checks.js";
import type { Scenario } from "./lib/scenario.js";

const scenario: Scenario = {
  name: "roles",
  description: "web behind the proxy on two servers, workers (own cmd, no proxy) on a third; deploy --roles workers",
  hosts: 3,
  async run(t) {
    const [vm1, vm2, vm3] = t.hosts as [string, string, string];
    const app = await t.app("app_with_roles");
    const v1 = await app.revision();
    const service = "app_with_roles";

    await t.step("dhow setup", () => app.dhow(["setup"]));
    await t.step("web serves through the proxies, workers run their cmd without a proxy", async () => {
      await expectServing([vm1, vm2], "v1");
      await expectRunningVersion(t.sandbox, [vm1, vm2], { service, role: "web", version: v1 });
      await expectRunningVersion(t.sandbox, [vm3], { service, role: "workers", version: v1 });
      const onVm3 = (await t.sandbox.containers(vm3)).map((c) => c.name);
      check(!onVm3.includes("kamal-proxy"), `kamal-proxy runs on ${vm3}, which has no proxy role: ${onVm3.join(", ")}`);
      const worker = `${service}-workers-${v1}`;
      const logs = await t.sandbox.ssh(vm3, `docker logs ${worker} 2>&1`);
      expectMatch(logs, "worker v1 started", `logs of ${worker}`);
      const cmd = await t.sandbox.ssh(vm3, `docker inspect --format '{{json .Config.Cmd}}' ${worker}`);
      expectMatch(cmd, "trap", `the workers container runs the role's cmd (Config.Cmd of ${worker})`);
    });

    await t.step("app details --roles workers shows only the workers host", async () => {
      const out = await app.dhow(["app", "details", "--roles", "workers"]);
      expectMatch(out.stdout, vm3, "dhow app details -r workers");
      expectNoMatch(out.stdout, vm1, "dhow app details -r workers");
    });

    const v2 = await app.commit("v2", { "www/version": "v2\n" });
    await t.step("dhow deploy --roles workers boots only the workers", async () => {
      await app.dhow(["deploy", "--roles", "workers"]);
      await expectRunningVersion(t.sandbox, [vm3], { service, role: "workers", version: v2 });
      await expectRunningVersion(t.sandbox, [vm1, vm2], { service, role: "web", version: v1 });
      await expectServing([vm1, vm2], "v1");
      const stopped = (await t.sandbox.containers(vm3)).find((c) => c.name === `${service}-workers-${v1}`);
      expectEqual(stopped?.state, "exited", `state of the old workers container on ${vm3}`);
    });

    await t.step("dhow deploy brings web up to date", async () => {
      await app.dhow(["deploy"]);
      await expectServing([vm1, vm2], "v2");
      await expectRunningVersion(t.sandbox, [vm1, vm2], { service, role: "web", version: v2 });
    });
  },
};

export default scenario;
