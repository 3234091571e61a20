/**
 * The deploy lock (Kamal: lock_test): `lock acquire -m` holds it on the primary host, `deploy` then fails
 * with "Deploy lock found" and changes nothing, `lock release` frees it and the deploy goes through.
 */
import { check, expectMatch } from "./lib/assert.js";
import { expectNoLock, expectServing } from "./lib/checks.js";
import type { Scenario } from "./lib/scenario.js";

const scenario: Scenario = {
  name: "lock",
  description: "lock acquire → deploy fails with 'Deploy lock found' → lock release → deploy succeeds",
  hosts: 2,
  async run(t) {
    const hosts = t.hosts;
    const [primary, other] = hosts as [string, string];
    const app = await t.app("app");
    await t.step("dhow setup (v1)", () => app.dhow(["setup"]));
    await app.commit("v2", { "www/version": "v2\n" });

    await t.step("lock acquire", async () => {
      const acquired = await app.dhow(["lock", "acquire", "-m", "Scenario lock"]);
      expectMatch(acquired.stdout + acquired.stderr, /Acquired the deploy lock/, "dhow lock acquire output");
      check(
        await t.sandbox.exists(primary, ".kamal/lock-app/details"),
        `.kamal/lock-app/details missing on ${primary}`,
      );
      check(
        !(await t.sandbox.exists(other, ".kamal/lock-app")),
        `the lock must only be on the primary host, found on ${other}`,
      );
      const details = await t.sandbox.ssh(primary, "base64 -d < .kamal/lock-app/details");
      expectMatch(details, /^Locked by: Deployer at \d{4}-\d\d-\d\dT/m, "lock details (base64-decoded)");
      expectMatch(details, /^Message: Scenario lock$/m, "lock details (base64-decoded)");
      const status = await app.dhow(["lock", "status"]);
      expectMatch(status.stdout, "Scenario lock", "dhow lock status");
    });

    await t.step("deploy fails while locked", async () => {
      const result = await app.dhow(["deploy"], { allowFailure: true });
      check(result.code !== 0, "dhow deploy succeeded while the deploy lock was held");
      expectMatch(result.stdout + result.stderr, "Deploy lock found", "dhow deploy output");
      await expectServing(hosts, "v1");
      check(
        await t.sandbox.exists(primary, ".kamal/lock-app/details"),
        "the failed deploy removed someone else's lock",
      );
    });

    await t.step("lock release, then deploy", async () => {
      await app.dhow(["lock", "release"]);
      await expectNoLock(t.sandbox, primary, "app");
      const status = await app.dhow(["lock", "status"]);
      expectMatch(status.stdout, "There is no deploy lock", "dhow lock status after release");
      await app.dhow(["deploy"]);
      await expectServing(hosts, "v2");
      await expectNoLock(t.sandbox, primary, "app");
    });
  },
};

export default scenario;
