/**
 * Hooks fire in Kamal's order with Kamal's env (spec §3): KAMAL_* tags, KAMAL_HOSTS, KAMAL_COMMAND,
 * KAMAL_LOCK, KAMAL_RUNTIME, and the secrets only for pre-connect, pre-deploy and post-deploy. A failing
 * pre-deploy hook stops the deploy, releases the lock and leaves the old version serving.
 */
import { check, expectEqual, expectMatch } from "./lib/assert.js";
import { expectNoLock, expectServing } from "./lib/checks.js";
import type { Scenario } from "./lib/scenario.js";
import { GIT_USER, type HookRun } from "./lib/workspace.js";

const SECRET = '1234 with "quotes" and ünïcödé';

const scenario: Scenario = {
  name: "hooks",
  description: "all deploy hooks fire in order with the right KAMAL_* env and secrets; a failing pre-deploy aborts",
  hosts: 2,
  async run(t) {
    const hosts = t.hosts;
    const app = await t.app("app");

    await t.step("dhow setup runs docker-setup and the deploy hooks", async () => {
      await app.dhow(["setup"]);
      const names = app.hookRuns().map((r) => r.hook);
      expectEqual(
        names,
        ["pre-connect", "docker-setup", "pre-build", "pre-deploy", "pre-app-boot", "post-app-boot", "post-deploy"],
        "hooks run by dhow setup, in order",
      );
      for (const run of app.hookRuns()) expectEqual(run.env["KAMAL_COMMAND"], "setup", `KAMAL_COMMAND of ${run.hook}`);
    });

    app.clearHookRuns();
    const v2 = await app.commit("v2", { "www/version": "v2\n" });
    await t.step("dhow deploy: order and env", async () => {
      await app.dhow(["deploy"]);
      const runs = app.hookRuns();
      expectEqual(
        runs.map((r) => r.hook),
        ["pre-connect", "pre-build", "pre-deploy", "pre-app-boot", "post-app-boot", "post-deploy"],
        "hooks run by dhow deploy, in order",
      );
      const byName = (name: string) => runs.find((r) => r.hook === name) as HookRun;
      for (const run of runs) {
        const env = run.env;
        const where = `${run.hook}:`;
        expectEqual(env["KAMAL_SERVICE"], "app", `${where} KAMAL_SERVICE`);
        expectEqual(env["KAMAL_VERSION"], v2, `${where} KAMAL_VERSION`);
        expectEqual(env["KAMAL_SERVICE_VERSION"], `app@${v2.slice(0, 7)}`, `${where} KAMAL_SERVICE_VERSION`);
        expectEqual(env["KAMAL_PERFORMER"], GIT_USER.email, `${where} KAMAL_PERFORMER`);
        expectEqual(env["KAMAL_COMMAND"], "deploy", `${where} KAMAL_COMMAND`);
        expectEqual(env["KAMAL_SUBCOMMAND"], undefined, `${where} KAMAL_SUBCOMMAND`);
        expectEqual(env["KAMAL_DESTINATION"], undefined, `${where} KAMAL_DESTINATION`);
        expectMatch(env["KAMAL_RECORDED_AT"] ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, `${where} KAMAL_RECORDED_AT`);
        const withSecrets = ["pre-connect", "pre-deploy", "post-deploy"].includes(run.hook);
        expectEqual(env["SECRET_TOKEN"], withSecrets ? SECRET : undefined, `${where} SECRET_TOKEN (secrets in env)`);
      }
      expectEqual(byName("pre-deploy").env["KAMAL_HOSTS"], hosts.join(","), "pre-deploy KAMAL_HOSTS");
      expectEqual(
        byName("pre-app-boot").env["KAMAL_HOSTS"],
        hosts.join(","),
        "pre-app-boot KAMAL_HOSTS (the boot group)",
      );
      expectEqual(byName("pre-deploy").env["KAMAL_LOCK"], "true", "pre-deploy KAMAL_LOCK (the lock is held)");
      expectEqual(byName("post-deploy").env["KAMAL_LOCK"], "false", "post-deploy KAMAL_LOCK (released before it)");
      expectMatch(
        byName("post-deploy").env["KAMAL_RUNTIME"] ?? "",
        /^\d+$/,
        "post-deploy KAMAL_RUNTIME (whole seconds)",
      );
      check(byName("pre-deploy").env["KAMAL_RUNTIME"] === undefined, "KAMAL_RUNTIME is only for post-deploy");
      await expectServing(hosts, "v2");
    });

    app.clearHookRuns();
    await app.commit("v3", { "www/version": "v3\n" });
    await t.step("a failing pre-deploy hook aborts the deploy and releases the lock", async () => {
      const result = await app.dhow(["deploy"], { allowFailure: true, env: { SCENARIO_FAIL_HOOKS: "pre-deploy" } });
      check(result.code !== 0, "dhow deploy succeeded although the pre-deploy hook failed");
      expectMatch(result.stdout + result.stderr, /Hook [`']pre-deploy[`'] failed/, "dhow deploy output");
      const names = app.hookRuns().map((r) => r.hook);
      check(!names.includes("pre-app-boot"), `hooks after the failed pre-deploy ran: ${names.join(", ")}`);
      await expectServing(hosts, "v2");
      for (const host of hosts) await expectNoLock(t.sandbox, host, "app");
    });

    app.clearHookRuns();
    await t.step("-H skips the hooks", async () => {
      await app.dhow(["deploy", "-H"]);
      expectEqual(app.hookRuns(), [], "hooks run by dhow deploy -H");
      await expectServing(hosts, "v3");
    });
  },
};

export default scenario;
