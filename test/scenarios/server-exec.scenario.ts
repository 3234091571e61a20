/**
 * `dhow server exec` runs a shell command on every server over SSH (no deploy needed), `--hosts` and
 * `--primary` narrow it, a failing command fails dhow; `server bootstrap` finds Docker and runs docker-setup.
 */
import { check, expectEqual, expectMatch, expectNoMatch } from "./lib/assert.js";
import type { Scenario } from "./lib/scenario.js";

const scenario: Scenario = {
  name: "server-exec",
  description: "server exec on all hosts, --hosts, --primary, a failing command; server bootstrap",
  hosts: 2,
  async run(t) {
    const [vm1, vm2] = t.hosts as [string, string];
    const app = await t.app("app");

    await t.step("server exec on every host", async () => {
      // each sandbox server has its own hostname (s1, s2); $HOSTNAME is expanded by the remote shell
      const out = await app.dhow(["server", "exec", "echo host=$(hostname) user=$(id -un)"]);
      const text = out.stdout + out.stderr;
      expectMatch(text, "host=s1 user=root", "dhow server exec output");
      expectMatch(text, "host=s2 user=root", "dhow server exec output");
      expectMatch(text, vm1, "dhow server exec names the hosts");
    });

    await t.step("server exec --hosts and --primary", async () => {
      const only2 = await app.dhow(["server", "exec", "--hosts", vm2, "hostname"]);
      expectMatch(only2.stdout, /\bs2\b/, "dhow server exec --hosts vm2");
      expectNoMatch(only2.stdout, /\bs1\b/, "dhow server exec --hosts vm2");
      const primary = await app.dhow(["server", "exec", "--primary", "hostname"]);
      expectMatch(primary.stdout, /\bs1\b/, "dhow server exec --primary");
      expectNoMatch(primary.stdout, /\bs2\b/, "dhow server exec --primary");
    });

    await t.step("a failing command fails dhow", async () => {
      const result = await app.dhow(["server", "exec", "exit 7"], { allowFailure: true });
      check(result.code !== 0, "dhow server exec 'exit 7' exited 0");
    });

    await t.step("server bootstrap: Docker is there, docker-setup runs, .kamal exists", async () => {
      app.clearHookRuns();
      await app.dhow(["server", "bootstrap"]);
      expectEqual(
        app.hookRuns().map((r) => r.hook),
        ["pre-connect", "docker-setup"],
        "hooks run by dhow server bootstrap",
      );
      for (const host of [vm1, vm2])
        check(await t.sandbox.exists(host, ".kamal"), `.kamal missing on ${host} after bootstrap`);
    });
  },
};

export default scenario;
