/**
 * deploy → redeploy → rollback, as in Kamal's main_test: `redeploy` ships v3 without booting the proxy,
 * `rollback v2` boots a fresh container from the v2 image (the old v2 container is renamed
 * `…_replaced_<hex>`), and rolling back to a version that has no container is refused and changes nothing.
 */
import { check, expectMatch } from "./lib/assert.js";
import { appContainers, expectNoLock, expectRunningVersion, expectServing } from "./lib/checks.js";
import type { Scenario } from "./lib/scenario.js";

const scenario: Scenario = {
  name: "redeploy-rollback",
  description:
    "deploy v2, redeploy v3, rollback to v2 (fresh container from the old image), rollback to a missing version refused",
  hosts: 2,
  async run(t) {
    const hosts = t.hosts;
    const app = await t.app("app");
    await t.step("dhow setup (v1)", () => app.dhow(["setup"]));

    const v2 = await app.commit("v2", { "www/version": "v2\n" });
    await t.step("dhow deploy (v2)", () => app.dhow(["deploy"]));
    await expectServing(hosts, "v2");

    const v3 = await app.commit("v3", { "www/version": "v3\n" });
    await t.step("dhow redeploy (v3)", async () => {
      const proxyStarted = await Promise.all(hosts.map((h) => startedAt(t.sandbox, h, "kamal-proxy")));
      await app.dhow(["redeploy"]);
      await expectServing(hosts, "v3");
      await expectRunningVersion(t.sandbox, hosts, { service: "app", role: "web", version: v3 });
      const after = await Promise.all(hosts.map((h) => startedAt(t.sandbox, h, "kamal-proxy")));
      check(
        after.every((value, i) => value === proxyStarted[i]),
        `redeploy restarted kamal-proxy (StartedAt ${proxyStarted.join(",")} → ${after.join(",")}); it must not boot the proxy`,
      );
    });

    await t.step(`dhow rollback ${v2.slice(0, 7)}`, async () => {
      await app.dhow(["rollback", v2]);
      await expectServing(hosts, "v2");
      await expectRunningVersion(t.sandbox, hosts, { service: "app", role: "web", version: v2 });
      for (const host of hosts) {
        const names = (await appContainers(t.sandbox, host, "app", "web")).map((c) => `${c.name} (${c.state})`);
        check(
          names.some((n) => new RegExp(`^app-web-${v2}_replaced_[0-9a-f]{16} \\(exited\\)$`).test(n)),
          `no stopped app-web-${v2}_replaced_<16 hex> on ${host}; containers: ${names.join(", ")}`,
        );
        check(
          names.includes(`app-web-${v3} (exited)`),
          `app-web-${v3} should be stopped on ${host}: ${names.join(", ")}`,
        );
        await expectNoLock(t.sandbox, host, "app");
      }
    });

    await t.step("rollback to a version without a container is refused and changes nothing", async () => {
      // Kamal prints the refusal in red and still exits 0
      const result = await app.dhow(["rollback", "0000000"], { allowFailure: true });
      expectMatch(result.stdout + result.stderr, /not available as a container/, "dhow rollback 0000000 output");
      await expectServing(hosts, "v2");
      for (const host of hosts) await expectNoLock(t.sandbox, host, "app");
    });
  },
};

async function startedAt(sandbox: { ssh(host: string, command: string): Promise<string> }, host: string, name: string) {
  return (await sandbox.ssh(host, `docker inspect --format '{{.State.StartedAt}}' ${name}`)).trim();
}

export default scenario;
