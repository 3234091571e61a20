/**
 * `dhow app exec` (Kamal: app_test "exec"): a new container per host from the current image with the app's
 * env (clear and secret), `--reuse` runs in the running container, `-e` adds env, `--primary` and
 * `--hosts` select servers, and no exec container is left behind.
 */
import { check, expectEqual, expectMatch, expectNoMatch } from "./lib/assert.js";
import type { Scenario } from "./lib/scenario.js";

const scenario: Scenario = {
  name: "app-exec",
  description: "app exec in new containers (env, -e, --primary, --hosts) and --reuse in the running one",
  hosts: 2,
  async run(t) {
    const [vm1, vm2] = t.hosts as [string, string];
    const app = await t.app("app");
    await t.step("dhow setup (v1)", () => app.dhow(["setup"]));

    await t.step("app exec in new containers on every host", async () => {
      const out = await app.dhow([
        "app",
        "exec",
        // single quotes: the variables are expanded in the container, not by the server's shell
        "sh -c 'cat /www/version; echo CLEAR=$CLEAR_TOKEN; echo SECRET=$SECRET_TOKEN'",
      ]);
      const text = out.stdout + out.stderr;
      for (const host of [vm1, vm2]) expectMatch(text, host, "dhow app exec output names each host");
      expectEqual(count(text, /^.*\bv1$/gm), 2, "lines ending in v1 (one per host) in dhow app exec output");
      expectEqual(count(text, /CLEAR=4321/g), 2, "CLEAR_TOKEN (clear env) seen in both exec containers");
      expectEqual(
        count(text, /SECRET=1234 with "quotes" and ünïcödé/g),
        2,
        "SECRET_TOKEN (env file) in both exec containers",
      );
      for (const host of [vm1, vm2]) {
        const left = await t.sandbox.ssh(host, "docker ps -a --format '{{.Names}}' | grep -- -exec- || true");
        expectEqual(left.trim(), "", `exec containers left on ${host}`);
      }
    });

    await t.step("app exec -e FOO=bar --primary", async () => {
      const out = await app.dhow(["app", "exec", "--primary", "-e", "FOO:bar", "sh -c 'echo FOO=$FOO'"]);
      const text = out.stdout + out.stderr;
      expectMatch(text, "FOO=bar", "dhow app exec -e output");
      expectMatch(text, vm1, "dhow app exec --primary runs on the primary host");
      expectNoMatch(text, vm2, "dhow app exec --primary must not run on the other host");
    });

    await t.step("app exec --reuse --hosts <vm2> runs in the running container", async () => {
      const out = await app.dhow(["app", "exec", "--reuse", "--hosts", vm2, "sh -c 'echo name=$KAMAL_CONTAINER_NAME'"]);
      const text = out.stdout + out.stderr;
      const v1 = await app.revision();
      expectMatch(text, `name=app-web-${v1}`, "KAMAL_CONTAINER_NAME seen by app exec --reuse");
      expectNoMatch(text, vm1, "dhow app exec --hosts vm2 must not run on vm1");
    });

    await t.step("app exec failing command fails dhow", async () => {
      const result = await app.dhow(["app", "exec", "--reuse", "sh -c 'exit 3'"], { allowFailure: true });
      check(result.code !== 0, "dhow app exec of a failing command exited 0");
    });
  },
};

function count(text: string, pattern: RegExp): number {
  return [...text.matchAll(pattern)].length;
}

export default scenario;
