/**
 * dhow's deploy engine (issue 11): how many SSH round trips a command costs per host, as `-v` prints it
 * (`SSH round trips: <host> N (E exec, S sftp)`). One web role behind the proxy on one host: `setup` costs at
 * most 8 (6 with the scenario apps' hooks), a steady-state `deploy` of a new version at most 4 (3 without hooks: gather+pull+lock, boot,
 * clean-up+release). The counts are deterministic, so the exact figures are pinned too.
 */
import { check, expectEqual } from "./lib/assert.js";
import { expectServing } from "./lib/checks.js";
import type { ContainerInfo } from "./lib/sandbox.js";
import type { Scenario, ScenarioContext } from "./lib/scenario.js";

const HOST = "one.example.test";

/** The per-host counts in the `-v` line. */
function roundTrips(output: string): Map<string, number> {
  const line = output.split("\n").find((text) => text.includes("SSH round trips: "));
  check(line, `no "SSH round trips:" line in the -v output:\n${output.slice(-2000)}`);
  const counts = new Map<string, number>();
  for (const match of line.matchAll(/(\S+) (\d+) \((\d+) exec, (\d+) sftp\)/g)) counts.set(match[1]!, Number(match[2]));
  return counts;
}

/** After dry runs: the same containers in the same states, no lock left, v1 still served. */
async function expectUnchanged(t: ScenarioContext, host: string, before: readonly ContainerInfo[]): Promise<void> {
  const after = await t.sandbox.containers(host);
  expectEqual(
    after.map((c) => `${c.name} ${c.state}`).sort(),
    before.map((c) => `${c.name} ${c.state}`).sort(),
    "containers after the dry run",
  );
  check(!(await t.sandbox.exists(host, ".kamal/lock-one")), "a dry run left a lock");
  await expectServing([host], "one-v1", { hostHeader: HOST });
}

const scenario: Scenario = {
  name: "round-trips",
  description:
    "setup ≤ 8 and a steady-state deploy ≤ 4 SSH round trips per host (as -v prints), 3 without hooks; --dry-run of mutating commands changes nothing",
  hosts: 1,
  async run(t) {
    const [vm1] = t.hosts as [string];
    const app = await t.app("app_one");

    await t.step("dhow setup -v: at most 8 round trips", async () => {
      const result = await app.dhow(["setup", "-v"]);
      const count = roundTrips(result.stdout + result.stderr).get(vm1);
      t.log(`setup: ${count} round trips on ${vm1}`);
      check(count !== undefined && count <= 8, `setup used ${count} round trips on ${vm1}, expected at most 8`);
      // lock + docker check, gather + pull, the queued proxy boot before the pre-app-boot hook, the boot, the
      // queued tag and prune before the post-deploy hook (setup holds the lock across it), the release.
      expectEqual(count, 6, "setup round trips");
      await expectServing([vm1], "one-v1", { hostHeader: HOST });
    });

    await app.commit("v2", { "www/version": "one-v2\n" });
    await t.step("dhow deploy --dry-run prints the plan and changes nothing", async () => {
      const before = await t.sandbox.containers(vm1);
      const result = await app.dhow(["deploy", "--dry-run"]);
      const output = result.stdout;
      t.log(output.split("\n").slice(0, 6).join("\n"));
      check(output.includes("Dry run of `dhow deploy`: nothing was changed."), "no dry-run header");
      check(output.includes(`${vm1} (3 round trips):`), `expected "${vm1} (3 round trips):" in the plan:\n${output}`);
      check(/local: build and push \S+\/scenarios\/app_one:[0-9a-f]{40}/.test(output), "the plan names the build");
      check(output.includes("local: hook .kamal/hooks/pre-deploy"), "the plan shows the pre-deploy hook");
      check(
        /docker run --detach .*--name one-web-[0-9a-f]{40}/.test(output),
        "the plan shows the new container's docker run",
      );
      check(output.includes("(read) docker network ls"), "the plan shows the gathered reads");
      await expectUnchanged(t, vm1, before);
      const offline = await app.dhow(["deploy", "--dry-run", "--offline"]);
      check(offline.stdout.includes("Offline: no host was contacted"), "offline dry run header");
      check(offline.stdout.includes("docker network create kamal"), "offline plans a fresh host (network create)");
    });

    await t.step("other mutating commands --dry-run: a plan from the host's real state, nothing changed", async () => {
      const before = await t.sandbox.containers(vm1);
      const stop = await app.dhow(["app", "stop", "--dry-run"]);
      // The running version was read on the host, so the plan takes the role out of the proxy before the stop.
      check(
        stop.stdout.includes("docker exec kamal-proxy kamal-proxy remove one-web"),
        `app stop --dry-run does not plan the proxy removal:\n${stop.stdout}`,
      );
      const commands = [
        ["setup"],
        ["proxy", "reboot", "-y"],
        ["prune", "all"],
        ["remove", "-y"],
        ["registry", "login"],
      ];
      for (const args of commands) {
        const result = await app.dhow([...args, "--dry-run"]);
        const name = args.filter((word) => !word.startsWith("-")).join(" ");
        check(
          result.stdout.includes(`Dry run of \`dhow ${name}\``),
          `no dry-run header for ${name}:\n${result.stdout}`,
        );
      }
      await expectUnchanged(t, vm1, before);
    });

    await t.step("dhow deploy -v (hooks present): at most 4 round trips", async () => {
      const result = await app.dhow(["deploy", "-v"]);
      const count = roundTrips(result.stdout + result.stderr).get(vm1);
      t.log(`deploy: ${count} round trips on ${vm1}`);
      check(count !== undefined && count <= 4, `deploy used ${count} round trips on ${vm1}, expected at most 4`);
      expectEqual(count, 4, "deploy round trips with hooks (the pre-app-boot hook sends the queued steps first)");
      await expectServing([vm1], "one-v2", { hostHeader: HOST });
    });

    await app.commit("v3", { "www/version": "one-v3\n" });
    await t.step("dhow deploy -v --skip-hooks: 3 round trips", async () => {
      const result = await app.dhow(["deploy", "-v", "--skip-hooks"]);
      const count = roundTrips(result.stdout + result.stderr).get(vm1);
      t.log(`deploy --skip-hooks: ${count} round trips on ${vm1}`);
      expectEqual(count, 3, "deploy round trips without hooks (gather+pull+lock, boot, clean-up+release)");
      await expectServing([vm1], "one-v3", { hostHeader: HOST });
    });
  },
};

export default scenario;
