/**
 * Destinations (Kamal: main_test "deploy with destinations", app_with_destinations): `require_destination`
 * refuses a bare deploy; staging and production each get their servers, names, labels, env and files.
 */
import { check, expectEqual, expectMatch } from "./lib/assert.js";
import { appContainers, auditLines, expectRunningVersion, expectServing } from "./lib/checks.js";
import type { Scenario } from "./lib/scenario.js";

const scenario: Scenario = {
  name: "destinations",
  description: "require_destination; setup -d staging (VM1) and -d production (VM2); deploy staging only",
  hosts: 2,
  async run(t) {
    const [vm1, vm2] = t.hosts as [string, string];
    const app = await t.app("app_with_destinations");
    const v1 = await app.revision();

    await t.step("a deploy without -d is refused", async () => {
      const result = await app.dhow(["deploy"], { allowFailure: true });
      check(result.code !== 0, "dhow deploy without a destination succeeded despite require_destination");
      expectMatch(result.stdout + result.stderr, "You must specify a destination", "dhow deploy output");
    });

    await t.step("dhow setup -d staging → VM1 only", async () => {
      await app.dhow(["setup", "-d", "staging"]);
      await expectServing([vm1], "v1");
      await expectRunningVersion(t.sandbox, [vm1], {
        service: "app",
        role: "web",
        version: v1,
        destination: "staging",
      });
      expectEqual(await appContainers(t.sandbox, vm2, "app"), [], `app containers on ${vm2} after the staging setup`);
      const name = `app-web-staging-${v1}`;
      const labels = (await appContainers(t.sandbox, vm1, "app")).find((c) => c.name === name)?.labels ?? {};
      expectEqual(labels["destination"], "staging", `destination label of ${name}`);
      const env = await t.sandbox.ssh(vm1, `docker exec ${name} env`);
      expectMatch(env, /^KAMAL_DESTINATION=staging$/m, `env of ${name}`);
      expectMatch(env, /^STAGE=staging$/m, `env of ${name} (from deploy.staging.yml)`);
      check(await t.sandbox.exists(vm1, ".kamal/apps/app-staging/env/roles/web.env"), "staging env file missing");
      check(
        (await auditLines(t.sandbox, vm1, "app-staging")).length > 0,
        `.kamal/app-staging-audit.log empty on ${vm1}`,
      );
    });

    await t.step("dhow setup -d production → VM2", async () => {
      await app.dhow(["setup", "-d", "production"]);
      await expectServing([vm2], "v1");
      await expectRunningVersion(t.sandbox, [vm2], {
        service: "app",
        role: "web",
        version: v1,
        destination: "production",
      });
      const env = await t.sandbox.ssh(vm2, `docker exec app-web-production-${v1} env`);
      expectMatch(env, /^STAGE=production$/m, "env of the production container");
    });

    const v2 = await app.commit("v2", { "www/version": "v2\n" });
    await t.step("dhow deploy -d staging leaves production alone", async () => {
      await app.dhow(["deploy", "-d", "staging"]);
      await expectServing([vm1], "v2");
      await expectServing([vm2], "v1");
      await expectRunningVersion(t.sandbox, [vm1], {
        service: "app",
        role: "web",
        version: v2,
        destination: "staging",
      });
      const listed = await app.dhow(["app", "containers", "-d", "production"]);
      expectMatch(listed.stdout, `app-web-production-${v1}`, "dhow app containers -d production");
      check(
        !listed.stdout.includes("app-web-staging-"),
        `dhow app containers -d production lists staging containers:\n${listed.stdout}`,
      );
    });
  },
};

export default scenario;
