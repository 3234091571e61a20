import { describe, expect, it } from "vitest";
import { fleetExecutor } from "../../testing/deploy-fixtures.js";
import { testContext } from "../../testing/test-context.js";
import { upgrade } from "./upgrade.js";
import { proxyUpgrade } from "../proxy/upgrade.js";

const raw = {
  service: "app",
  image: "dhh/app",
  registry: { server: "registry.example.com", username: "dhh", password: "secret" },
  builder: { arch: "amd64" },
  servers: { web: ["1.1.1.1", "1.1.1.2"] },
  accessories: { redis: { image: "redis:7", host: "1.1.1.3" } },
};

describe("proxyUpgrade", () => {
  it("removes Traefik, boots the proxy and the app, and prunes, on each host in turn with --rolling", async () => {
    const ctx = testContext({
      raw,
      executor: fleetExecutor({ version: "latest" }),
      options: { command: "proxy", subcommand: "upgrade" },
    });
    await proxyUpgrade(ctx, { confirmed: true, rolling: true });
    const first = ctx.executor.commands("1.1.1.1");
    const cleanup = first.findIndex((c) => c.startsWith("docker container stop traefik"));
    const proxyStart = first.findIndex((c) => c.includes("docker container start kamal-proxy"));
    const appRun = first.findIndex((c) =>
      c.startsWith("docker run --detach --restart unless-stopped --name app-web-latest"),
    );
    const prune = first.findIndex((c) => c.startsWith("docker image prune --force --filter label=service=app"));
    expect(first).toContain("docker network create kamal");
    expect(cleanup).toBeGreaterThan(-1);
    expect(proxyStart).toBeGreaterThan(cleanup);
    expect(appRun).toBeGreaterThan(proxyStart);
    expect(prune).toBeGreaterThan(appRun);
    expect(ctx.executor.commands("1.1.1.2").some((c) => c.startsWith("docker container stop traefik"))).toBe(true);
    // The hosts go one after another: 1.1.1.2's Traefik is removed only after 1.1.1.1's app booted.
    const order = ctx.executor.calls.map((call) => `${call.host} ${call.redacted}`);
    const firstBoot = order.findIndex((line) => line.startsWith("1.1.1.1 docker run --detach"));
    const secondCleanup = order.findIndex((line) => line.startsWith("1.1.1.2 docker container stop traefik"));
    expect(secondCleanup).toBeGreaterThan(firstBoot);
  });

  it("does nothing without confirmation", async () => {
    const ctx = testContext({ raw });
    await proxyUpgrade(ctx, { confirm: async () => false });
    expect(ctx.executor.calls).toEqual([]);
    expect(ctx.logger.text()).toContain("Aborted");
  });
});

describe("upgrade", () => {
  it("upgrades the proxy, then reboots every accessory into the kamal network, under one lock", async () => {
    const ctx = testContext({ raw, executor: fleetExecutor({ version: "latest" }), options: { command: "upgrade" } });
    await upgrade(ctx, { confirmed: true });
    const primary = ctx.executor.commands("1.1.1.1");
    expect(primary.filter((c) => c.startsWith("mkdir .kamal/lock-app"))).toHaveLength(1);
    expect(primary.at(-1)).toBe("rm .kamal/lock-app/details && rm -r .kamal/lock-app");
    const accessoryHost = ctx.executor.commands("1.1.1.3");
    expect(accessoryHost.some((c) => c.startsWith("docker run --name app-redis"))).toBe(true);
  });
});
