/**
 * `dhow remove -y` (Kamal: main_test "setup and remove"): after a setup with accessories, every server is
 * left without the app's and the proxy's containers, images and files, without accessory data, and logged
 * out of the registry.
 */
import { check, expectEqual, expectMatch } from "./lib/assert.js";
import { expectServing } from "./lib/checks.js";
import type { Scenario } from "./lib/scenario.js";

const scenario: Scenario = {
  name: "remove",
  description:
    "setup with accessories, then remove -y: no containers, images, .kamal/apps, proxy dir or accessory data left",
  hosts: 2,
  async run(t) {
    const hosts = t.hosts;
    const [vm1] = hosts as [string, string];
    const app = await t.app("app_with_accessories");

    await t.step("dhow setup (app, proxy, accessories)", async () => {
      await app.dhow(["setup"]);
      await expectServing(hosts, "v1");
      check(await t.sandbox.exists(vm1, "app-redis/data"), `~/app-redis/data missing on ${vm1} after setup`);
    });

    await t.step("dhow remove -y, showing each host's steps", async () => {
      const { stdout } = await app.dhow(["remove", "-y"]);
      for (const host of hosts) {
        for (const step of ["stop web", "remove app images", "stop proxy", "remove busybox directory"])
          expectMatch(
            stdout,
            new RegExp(`^  ${host.replaceAll(".", "\\.")} ${step} done in \\d+\\.\\ds$`, "m"),
            `${step} on ${host}`,
          );
      }
    });

    await t.step("nothing is left", async () => {
      for (const host of hosts) {
        const containers = await t.sandbox.ssh(host, "docker ps -a --format '{{.Names}}'");
        expectEqual(containers.trim(), "", `containers left on ${host}`);
        const images = await t.sandbox.ssh(host, "docker image ls --format '{{.Repository}}:{{.Tag}}'");
        expectEqual(images.trim(), "", `images left on ${host}`);
        for (const path of [".kamal/apps/app", ".kamal/proxy", "app-redis", "app-busybox"]) {
          check(!(await t.sandbox.exists(host, path)), `~/${path} left on ${host}`);
        }
        const auth = await t.sandbox.sshResult(host, "cat .docker/config.json");
        check(
          auth.code !== 0 || !auth.stdout.includes(t.sandbox.env.registry),
          `${host} is still logged in to ${t.sandbox.env.registry}: ${auth.stdout.trim()}`,
        );
      }
    });
  },
};

export default scenario;
