/**
 * Two apps behind one proxy (Kamal: main_test "two apps"): routed by Host header, deploying one never
 * disturbs the other, and `dhow remove` of one keeps the proxy for the other.
 */
import { check, expectEqual } from "./lib/assert.js";
import { expectServing } from "./lib/checks.js";
import { sleep } from "./lib/exec.js";
import { poll, request } from "./lib/http.js";
import type { Scenario } from "./lib/scenario.js";

const ONE = "one.example.test";
const TWO = "two.example.test";

const scenario: Scenario = {
  name: "two-apps",
  description: "two apps on one server share the proxy (by Host); deploying or removing one leaves the other serving",
  hosts: 1,
  async run(t) {
    const [vm1] = t.hosts as [string];
    const one = await t.app("app_one");
    const two = await t.app("app_two");

    await t.step("setup both", async () => {
      await one.dhow(["setup"]);
      await two.dhow(["setup"]);
      await expectServing([vm1], "one-v1", { hostHeader: ONE });
      await expectServing([vm1], "two-v1", { hostHeader: TWO });
      const unknown = await request(vm1, "/version", { host: "three.example.test" });
      check(unknown.status === 404, `an unknown Host got ${unknown.status}, expected 404`);
    });

    await two.commit("v2", { "www/version": "two-v2\n" });
    await t.step("deploy app two while app one is polled", async () => {
      const poller = poll(vm1, "/version", { host: ONE });
      await two.dhow(["deploy"]);
      await sleep(300);
      const report = await poller.stop();
      expectEqual(report.errors.slice(0, 5), [], "failed requests to app one during app two's deploy");
      expectEqual(report.sequence, ["one-v1"], "what app one answered during app two's deploy");
      await expectServing([vm1], "two-v2", { hostHeader: TWO });
    });

    await t.step("dhow remove app two keeps the proxy for app one", async () => {
      await two.dhow(["remove", "-y"]);
      const names = (await t.sandbox.containers(vm1)).map((c) => c.name);
      check(
        names.includes("kamal-proxy"),
        `kamal-proxy was removed although app one still uses it: ${names.join(", ")}`,
      );
      check(!names.some((n) => n.startsWith("two-")), `app two containers left: ${names.join(", ")}`);
      check(!(await t.sandbox.exists(vm1, ".kamal/apps/two")), ".kamal/apps/two left behind");
      await expectServing([vm1], "one-v1", { hostHeader: ONE });
    });
  },
};

export default scenario;
