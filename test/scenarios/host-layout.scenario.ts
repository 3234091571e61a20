/**
 * After `dhow setup` + `dhow deploy`, the servers look as Kamal 2.12 leaves them (spec §5.1): container
 * names, labels, env, hostname, network, restart and log options; the proxy container with its volume, bind
 * mount, ports and image label; `.kamal` env files (0600); no lock; audit log lines on every host.
 */
import { check, expectEqual, expectMatch } from "./lib/assert.js";
import { auditLines, expectNoLock } from "./lib/checks.js";
import type { Scenario } from "./lib/scenario.js";
import { GIT_USER } from "./lib/workspace.js";

type Inspect = {
  Name: string;
  Config: { Hostname: string; Env: string[]; Labels: Record<string, string>; Image: string };
  HostConfig: {
    RestartPolicy: { Name: string };
    LogConfig: { Config: Record<string, string> };
    NetworkMode: string;
    PortBindings: Record<string, unknown> | null;
  };
  NetworkSettings: { Networks: Record<string, { Aliases?: string[] | null }> };
  Mounts: { Type: string; Name?: string; Source: string; Destination: string }[];
};

const scenario: Scenario = {
  name: "host-layout",
  description:
    "after setup + deploy: names, labels, env, network, proxy mounts, .kamal files, no lock, audit log (Kamal §5.1)",
  hosts: 2,
  async run(t) {
    const hosts = t.hosts;
    const app = await t.app("app_with_accessories");
    await t.step("dhow setup", () => app.dhow(["setup"]));
    const v2 = await app.commit("v2", { "www/version": "v2\n" });
    await t.step("dhow deploy", () => app.dhow(["deploy"]));

    for (const host of hosts) {
      await t.step(`app container on ${host}`, async () => {
        const name = `app-web-${v2}`;
        const c = (await t.sandbox.inspect(host, name)) as unknown as Inspect;
        expectEqual(c.Config.Labels["service"], "app", `${name} label service`);
        expectEqual(c.Config.Labels["role"], "web", `${name} label role`);
        expectEqual(c.Config.Labels["destination"], "", `${name} label destination (bare, no destination)`);
        const env = c.Config.Env;
        for (const line of [`KAMAL_CONTAINER_NAME=${name}`, `KAMAL_VERSION=${v2}`, `KAMAL_HOST=${host}`]) {
          check(env.includes(line), `${name} env lacks ${line}: ${env.join(" ")}`);
        }
        check(
          !env.some((e) => e.startsWith("KAMAL_DESTINATION=")),
          `${name} has KAMAL_DESTINATION without a destination`,
        );
        check(env.includes("SECRET_TOKEN=accessory-secret"), `${name} lacks the secret env from its env file`);
        expectMatch(c.Config.Hostname, new RegExp(`^${host.replaceAll(".", "\\.")}-[0-9a-f]{12}$`), `${name} hostname`);
        expectEqual(c.HostConfig.RestartPolicy.Name, "unless-stopped", `${name} restart policy`);
        expectEqual(c.HostConfig.LogConfig.Config["max-size"], "10m", `${name} log max-size`);
        // Kamal's `kamal` network, plus dhow's private `dhow` one it started on (stable names).
        expectEqual(Object.keys(c.NetworkSettings.Networks).sort(), ["dhow", "kamal"], `${name} networks`);
        check(
          (c.NetworkSettings.Networks["kamal"]?.Aliases ?? []).includes("app-web"),
          `${name} lacks its stable name app-web on the kamal network: ${JSON.stringify(c.NetworkSettings.Networks["kamal"]?.Aliases)}`,
        );
        expectEqual(c.Config.Image, `${t.sandbox.env.registry}/scenarios/app_with_accessories:${v2}`, `${name} image`);
      });

      await t.step(`proxy container on ${host}`, async () => {
        const p = (await t.sandbox.inspect(host, "kamal-proxy")) as unknown as Inspect;
        expectEqual(Object.keys(p.NetworkSettings.Networks).sort(), ["dhow", "kamal"], "kamal-proxy networks");
        expectEqual(p.HostConfig.RestartPolicy.Name, "unless-stopped", "kamal-proxy restart policy");
        expectEqual(
          Object.keys(p.HostConfig.PortBindings ?? {}).sort(),
          ["443/tcp", "80/tcp"],
          "kamal-proxy published ports",
        );
        const volume = p.Mounts.find((m) => m.Type === "volume");
        expectEqual(
          volume && `${volume.Name}:${volume.Destination}`,
          "kamal-proxy-config:/home/kamal-proxy/.config/kamal-proxy",
          "kamal-proxy config volume",
        );
        const bind = p.Mounts.find((m) => m.Type === "bind");
        expectEqual(
          bind && `${bind.Source}:${bind.Destination}`,
          "/root/.kamal/proxy/apps-config:/home/kamal-proxy/.apps-config",
          "kamal-proxy apps-config bind mount",
        );
        const title = await t.sandbox.ssh(
          host,
          `docker image inspect --format '{{index .Config.Labels "org.opencontainers.image.title"}}' ${p.Config.Image}`,
        );
        expectEqual(title.trim(), "kamal-proxy", `OCI title label of the proxy image ${p.Config.Image}`);
        const tag = p.Config.Image.split(":").pop() ?? "";
        check(versionAtLeast(tag, [0, 9, 2]), `proxy image tag ${tag} is not a version ≥ v0.9.2`);
      });

      await t.step(`.kamal files, no lock, audit log on ${host}`, async () => {
        const mode = await t.sandbox.ssh(host, "stat -c '%a' .kamal/apps/app/env/roles/web.env");
        expectEqual(mode.trim(), "600", `mode of .kamal/apps/app/env/roles/web.env on ${host}`);
        expectMatch(
          await t.sandbox.readFile(host, ".kamal/apps/app/env/roles/web.env"),
          /^SECRET_TOKEN=accessory-secret$/m,
          "web.env",
        );
        const accMode = await t.sandbox.ssh(host, "stat -c '%a' .kamal/apps/app/env/accessories/busybox.env");
        expectEqual(accMode.trim(), "600", `mode of .kamal/apps/app/env/accessories/busybox.env on ${host}`);
        check(await t.sandbox.exists(host, ".kamal/proxy/apps-config"), `.kamal/proxy/apps-config missing on ${host}`);
        await expectNoLock(t.sandbox, host, "app");
        const lines = await auditLines(t.sandbox, host, "app");
        const prefix = `^\\[\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\] \\[${GIT_USER.email.replaceAll(".", "\\.")}\\] `;
        for (const pattern of [`Pulled image with version ${v2}$`, `\\[web\\] Booted app version ${v2}$`]) {
          check(
            lines.some((line) => new RegExp(prefix + pattern).test(line)),
            `no audit line matching /${prefix}${pattern}/ in .kamal/app-audit.log on ${host}:\n${lines.join("\n")}`,
          );
        }
      });
    }

    await t.step("accessory containers", async () => {
      const [vm1] = hosts as [string];
      const redis = (await t.sandbox.inspect(vm1, "app-redis")) as unknown as Inspect;
      expectEqual(redis.Config.Labels["service"], "app-redis", "app-redis label service");
      check(redis.Config.Env.includes(`KAMAL_HOST=${vm1}`), `app-redis env lacks KAMAL_HOST=${vm1}`);
      expectEqual(Object.keys(redis.NetworkSettings.Networks).sort(), ["dhow", "kamal"], "app-redis networks");
      const data = redis.Mounts.find((m) => m.Destination === "/data");
      expectEqual(data?.Source, "/root/app-redis/data", "app-redis data directory on the host");
    });

    await t.step("docker ps looks like Kamal's", async () => {
      const [vm1, vm2] = hosts as [string, string];
      const names = async (host: string) =>
        (await t.sandbox.ssh(host, "docker ps --format '{{.Names}}'")).split("\n").filter(Boolean).sort();
      expectEqual(
        await names(vm1),
        ["app-busybox", "app-redis", `app-web-${v2}`, "kamal-proxy"].sort(),
        `docker ps on ${vm1}`,
      );
      expectEqual(await names(vm2), ["app-busybox", `app-web-${v2}`, "kamal-proxy"].sort(), `docker ps on ${vm2}`);
    });
  },
};

/** `v0.9.2`-style tag ≥ the given version. */
function versionAtLeast(tag: string, minimum: readonly number[]): boolean {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(tag);
  if (!match) return false;
  const parts = match.slice(1, 4).map(Number);
  for (let i = 0; i < 3; i++) {
    if (parts[i]! !== minimum[i]!) return parts[i]! > minimum[i]!;
  }
  return true;
}

export default scenario;
