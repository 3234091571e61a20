/**
 * Pruning (Kamal: prune_test, main_test): three deploys leave two stopped containers (deploys keep
 * retain_containers: 3); `prune containers --retain 1` keeps only the newest stopped one, `prune images`
 * then drops the image no container uses and keeps the current and `latest` ones; `prune all` is a no-op now.
 */
import { expectEqual } from "./lib/assert.js";
import { appContainers, expectServing } from "./lib/checks.js";
import type { Sandbox } from "./lib/sandbox.js";
import type { Scenario } from "./lib/scenario.js";

const scenario: Scenario = {
  name: "prune",
  description: "three versions deployed; prune containers --retain 1 keeps the newest stopped one; prune images",
  hosts: 2,
  async run(t) {
    const hosts = t.hosts;
    const app = await t.app("app");
    const v1 = await app.revision();
    const repository = `${t.sandbox.env.registry}/scenarios/app`;
    await t.step("dhow setup (v1)", () => app.dhow(["setup"]));
    const v2 = await app.commit("v2", { "www/version": "v2\n" });
    await t.step("dhow deploy (v2)", () => app.dhow(["deploy"]));
    const v3 = await app.commit("v3", { "www/version": "v3\n" });
    await t.step("dhow deploy (v3)", () => app.dhow(["deploy"]));

    await t.step("with retain_containers 3 the deploys kept every container and image", async () => {
      for (const host of hosts) {
        expectEqual(
          await states(t.sandbox, host),
          [`${v1} exited`, `${v2} exited`, `${v3} running`].sort(),
          `app containers on ${host}`,
        );
        expectEqual(await tags(t.sandbox, host, repository), [v1, v2, v3, "latest"].sort(), `image tags on ${host}`);
      }
    });

    await t.step("prune containers --retain 1", async () => {
      await app.dhow(["prune", "containers", "--retain", "1"]);
      for (const host of hosts) {
        expectEqual(
          await states(t.sandbox, host),
          [`${v2} exited`, `${v3} running`].sort(),
          `app containers on ${host}`,
        );
      }
    });

    await t.step("prune images drops the unused v1 image", async () => {
      await app.dhow(["prune", "images"]);
      for (const host of hosts) {
        expectEqual(await tags(t.sandbox, host, repository), [v2, v3, "latest"].sort(), `image tags on ${host}`);
      }
    });

    await t.step("prune all keeps what is left, and v3 still serves", async () => {
      await app.dhow(["prune", "all"]);
      for (const host of hosts) {
        expectEqual(
          await states(t.sandbox, host),
          [`${v2} exited`, `${v3} running`].sort(),
          `app containers on ${host}`,
        );
      }
      await expectServing(hosts, "v3");
    });
  },
};

/** "<version> <state>" of each app-web container. */
async function states(sandbox: Sandbox, host: string): Promise<string[]> {
  return (await appContainers(sandbox, host, "app", "web"))
    .map((c) => `${c.name.replace(/^app-web-/, "")} ${c.state}`)
    .sort();
}

async function tags(sandbox: Sandbox, host: string, repository: string): Promise<string[]> {
  const out = await sandbox.ssh(host, `docker image ls --format '{{.Tag}}' ${repository}`);
  return out.split("\n").filter(Boolean).sort();
}

export default scenario;
