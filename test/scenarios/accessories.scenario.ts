/**
 * Accessories (Kamal: accessory_test, spec §7): boot on their hosts with files, directories and env;
 * exec, logs, details; stop/start; reboot keeps the data in the accessory's directory; remove deletes
 * container, image and data; boot again starts clean.
 */
import { check, expectEqual, expectMatch } from "./lib/assert.js";
import type { Sandbox } from "./lib/sandbox.js";
import type { Scenario } from "./lib/scenario.js";

const scenario: Scenario = {
  name: "accessories",
  description: "accessory boot/exec/logs/details/stop/start/reboot (data kept)/remove (data gone) with a real Redis",
  hosts: 2,
  async run(t) {
    const [vm1, vm2] = t.hosts as [string, string];
    const app = await t.app("app_with_accessories");

    await t.step("dhow accessory boot all", async () => {
      const { stdout } = await app.dhow(["accessory", "boot", "all"]);
      expectMatch(
        stdout,
        new RegExp(`^  ${vm1.replaceAll(".", "\\.")} boot redis done in \\d+\\.\\ds$`, "m"),
        "redis boot progress",
      );
      for (const host of [vm1, vm2])
        expectMatch(
          stdout,
          new RegExp(`^  ${host.replaceAll(".", "\\.")} boot busybox done in \\d+\\.\\ds$`, "m"),
          `busybox boot progress on ${host}`,
        );
      expectEqual(await state(t.sandbox, vm1, "app-redis"), "running", `app-redis on ${vm1}`);
      expectEqual(await state(t.sandbox, vm2, "app-redis"), "", `app-redis must only run on ${vm1}`);
      for (const host of [vm1, vm2]) {
        expectEqual(await state(t.sandbox, host, "app-busybox"), "running", `app-busybox on ${host} (roles: web)`);
        const labels = await t.sandbox.ssh(
          host,
          "docker inspect --format '{{index .Config.Labels \"service\"}}' app-busybox",
        );
        expectEqual(labels.trim(), "app-busybox", `service label of app-busybox on ${host}`);
      }
    });

    await t.step("files, directories and env reach the busybox accessory", async () => {
      const out = await app.dhow([
        "accessory",
        "exec",
        "busybox",
        "--reuse",
        "sh -c 'cat /etc/busybox.conf; echo clear=$BUSYBOX_CLEAR secret=$SECRET_TOKEN host=$KAMAL_HOST; ls -d /data'",
      ]);
      const text = out.stdout + out.stderr;
      expectMatch(text, "greeting=hello from an accessory file", "accessory file content");
      expectMatch(text, "clear=clear-value secret=accessory-secret", "accessory env (clear and secret)");
      expectMatch(text, "/data", "accessory directory mounted");
    });

    await t.step("redis: write through accessory exec", async () => {
      const set = await app.dhow(["accessory", "exec", "redis", "--reuse", "redis-cli set greeting hello"]);
      expectMatch(set.stdout, "OK", "redis-cli set");
      expectEqual(await redisGet(t.sandbox, vm1), "hello", "greeting read back");
    });

    await t.step("logs and details", async () => {
      const logs = await app.dhow(["accessory", "logs", "busybox"]);
      expectMatch(logs.stdout + logs.stderr, "Starting busybox...", "dhow accessory logs busybox");
      const details = await app.dhow(["accessory", "details", "all"]);
      expectMatch(details.stdout, "app-redis", "dhow accessory details all");
      expectMatch(details.stdout, "app-busybox", "dhow accessory details all");
    });

    await t.step("stop and start", async () => {
      await app.dhow(["accessory", "stop", "busybox"]);
      for (const host of [vm1, vm2])
        expectEqual(await state(t.sandbox, host, "app-busybox"), "exited", `app-busybox on ${host} after stop`);
      await app.dhow(["accessory", "start", "busybox"]);
      for (const host of [vm1, vm2])
        expectEqual(await state(t.sandbox, host, "app-busybox"), "running", `app-busybox on ${host} after start`);
    });

    await t.step("reboot redis keeps its data", async () => {
      const before = await containerIdOf(t.sandbox, vm1, "app-redis");
      await app.dhow(["accessory", "reboot", "redis"]);
      const after = await containerIdOf(t.sandbox, vm1, "app-redis");
      check(before !== after, "accessory reboot did not replace the app-redis container");
      expectEqual(await state(t.sandbox, vm1, "app-redis"), "running", "app-redis after reboot");
      expectEqual(await redisGet(t.sandbox, vm1), "hello", "greeting after reboot (data in ~/app-redis/data)");
    });

    await t.step("remove redis deletes container, image and data", async () => {
      check(await t.sandbox.exists(vm1, "app-redis/data"), `~/app-redis/data missing on ${vm1} before remove`);
      await app.dhow(["accessory", "remove", "redis", "-y"]);
      expectEqual(await state(t.sandbox, vm1, "app-redis"), "", "app-redis after remove");
      check(!(await t.sandbox.exists(vm1, "app-redis")), `~/app-redis still exists on ${vm1} after remove`);
      const images = await t.sandbox.ssh(vm1, `docker image ls -q ${t.sandbox.env.redisImage}`);
      expectEqual(images.trim(), "", `the redis image on ${vm1} after remove`);
      expectEqual(await state(t.sandbox, vm1, "app-busybox"), "running", "app-busybox is untouched by removing redis");
    });

    await t.step("boot redis again: a clean start", async () => {
      await app.dhow(["accessory", "boot", "redis"]);
      expectEqual(await state(t.sandbox, vm1, "app-redis"), "running", "app-redis after boot");
      expectEqual(await redisGet(t.sandbox, vm1), "", "greeting after remove and boot");
    });
  },
};

/** The container's state, or "" when it does not exist. */
async function state(sandbox: Sandbox, host: string, name: string): Promise<string> {
  return (await sandbox.containers(host)).find((c) => c.name === name)?.state ?? "";
}

async function containerIdOf(sandbox: Sandbox, host: string, name: string): Promise<string> {
  return (await sandbox.ssh(host, `docker inspect --format '{{.Id}}' ${name}`)).trim();
}

/** GET greeting from the redis accessory (retries while redis starts). */
async function redisGet(sandbox: Sandbox, host: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const result = await sandbox.sshResult(host, "docker exec app-redis redis-cli get greeting");
    if (result.code === 0 && !result.stdout.includes("LOADING")) return result.stdout.trim();
    if (attempt >= 40)
      throw new Error(`redis-cli get greeting on ${host}: ${result.stderr.trim() || result.stdout.trim()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export default scenario;
