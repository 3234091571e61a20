import { describe, expect, it } from "vitest";
import { staticSecrets } from "../secrets/secrets.js";
import { createConfig } from "./config.js";
import {
  accessoryLinks,
  allLinks,
  choosePrivateAddress,
  configuredPrivateAddress,
  isPrivateIPv4,
  mentionIn,
  parseDockerPort,
  parseInterfaceAddresses,
  parsePublishSpec,
  publishProblem,
  reachableBinding,
  roleLinks,
} from "./cross-host.js";
import type { RawConfig } from "./raw-config.js";

function config(raw: Record<string, unknown>) {
  return createConfig(
    {
      service: "shop",
      image: "shop",
      registry: { username: "u", password: "p" },
      builder: { arch: "amd64" },
      ...raw,
    } as RawConfig,
    { version: "1", secrets: staticSecrets({}), cwd: "/project" },
  );
}

describe("which names cross hosts", () => {
  const shop = config({
    servers: {
      web: { hosts: ["10.0.0.1", "10.0.0.2"], depends_on: ["redis", "migrate", "workers"] },
      workers: { hosts: ["10.0.0.1"], env: { clear: { DATABASE_URL: "postgres://shop-db:5432/shop" } } },
    },
    accessories: {
      redis: { image: "redis", host: "10.0.0.2", port: 6379 },
      db: { image: "postgres", hosts: ["10.0.0.3", "10.0.0.4"], port: 5432 },
      migrate: { image: "shop", host: "10.0.0.3", cmd: "migrate", depends_on: ["db"] },
      search: { image: "meili", host: "10.0.0.3", port: 7700, env: { clear: { DB: "shop-db" } } },
    },
  });
  const web = shop.role("web")!;
  const workers = shop.role("workers")!;

  it("a role: the accessories it depends on that run elsewhere (not roles, not the ones on its host)", () => {
    expect(roleLinks(shop, web, "10.0.0.1").map((link) => [link.name, link.target, link.via])).toEqual([
      ["shop-redis", "10.0.0.2", "depends_on"],
      ["shop-migrate", "10.0.0.3", "depends_on"],
    ]);
    expect(roleLinks(shop, web, "10.0.0.2").map((link) => link.name)).toEqual(["shop-migrate"]);
  });

  it("leaves out a one-shot waited for with condition: completed (it has exited by then)", () => {
    const oneShot = config({
      servers: { web: { hosts: ["10.0.0.1"], depends_on: { migrate: { condition: "completed" } } } },
      accessories: { migrate: { image: "shop", host: "10.0.0.3", cmd: "migrate" } },
    });
    expect(roleLinks(oneShot, oneShot.role("web")!, "10.0.0.1")).toEqual([]);
  });

  it("a name in the role's clear env, with the port written after it; an accessory maps to its first host", () => {
    const [link] = roleLinks(shop, workers, "10.0.0.1");
    expect(link).toMatchObject({ name: "shop-db", target: "10.0.0.3", via: "env DATABASE_URL", portInEnv: "5432" });
  });

  it("an accessory on another host than the accessory it names; itself and same-host accessories left out", () => {
    expect(accessoryLinks(shop, shop.accessory("migrate")!, "10.0.0.3").map((link) => link.name)).toEqual([]);
    const search = shop.accessory("search")!;
    expect(accessoryLinks(shop, search, "10.0.0.3").map((link) => link.name)).toEqual([]);
    const elsewhere = config({
      servers: { web: ["10.0.0.1"] },
      accessories: {
        db: { image: "postgres", host: "10.0.0.3", port: 5432 },
        search: { image: "meili", host: "10.0.0.4", depends_on: ["db"] },
      },
    });
    expect(accessoryLinks(elsewhere, elsewhere.accessory("search")!, "10.0.0.4").map((link) => link.name)).toEqual([
      "shop-db",
    ]);
    expect(allLinks(elsewhere).map((link) => `${link.dependent.name}@${link.host}->${link.name}`)).toEqual([
      "search@10.0.0.4->shop-db",
    ]);
  });

  it("a name the role maps itself with add-host is left to it", () => {
    const mapped = config({
      servers: {
        web: { hosts: ["10.0.0.1"], depends_on: ["redis"], options: { "add-host": ["shop-redis:10.9.9.9"] } },
      },
      accessories: { redis: { image: "redis", host: "10.0.0.2", port: 6379 } },
    });
    expect(roleLinks(mapped, mapped.role("web")!, "10.0.0.1")).toEqual([]);
  });

  it("matches the name as a whole host name only", () => {
    const env = (value: string) => mentionIn({ URL: value }, "shop-db");
    expect(env("shop-db")).toEqual({ key: "URL", port: undefined });
    expect(env("postgres://u:p@shop-db:5432/x")).toEqual({ key: "URL", port: "5432" });
    expect(env("host=shop-db.")).toEqual({ key: "URL", port: undefined });
    for (const other of ["shop-db2", "myshop-db", "shop-db.example.com", "x.shop-db", "shop-db_replica"]) {
      expect(env(other)).toBeUndefined();
    }
    expect(mentionIn({ N: 5, E: null }, "shop-db")).toBeUndefined();
  });
});

describe("which address", () => {
  it("private ranges: 10/8, 172.16/12, 192.168/16, 100.64/10", () => {
    for (const address of ["10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "100.64.0.1", "100.127.1.1"]) {
      expect(isPrivateIPv4(address)).toBe(true);
    }
    for (const address of [
      "203.0.113.10",
      "172.32.0.1",
      "172.15.0.1",
      "100.128.0.1",
      "11.0.0.1",
      "db.example.com",
      "::1",
    ]) {
      expect(isPrivateIPv4(address)).toBe(false);
    }
  });

  it("the private_ip setting first, else a private literal host, else unknown (discovery)", () => {
    const setting = new Map([
      ["203.0.113.10", "10.0.0.10"],
      ["10.0.0.2", "192.168.0.2"],
    ]);
    expect(configuredPrivateAddress(setting, "203.0.113.10")).toBe("10.0.0.10");
    expect(configuredPrivateAddress(setting, "10.0.0.2")).toBe("192.168.0.2");
    expect(configuredPrivateAddress(setting, "10.0.0.3")).toBe("10.0.0.3");
    expect(configuredPrivateAddress(setting, "203.0.113.11")).toBeUndefined();
    expect(configuredPrivateAddress(setting, "db.example.com")).toBeUndefined();
  });

  it("discovery: skips Docker's interfaces, prefers a private address", () => {
    const output = [
      "2: eth0    inet 203.0.113.10/24 brd 203.0.113.255 scope global eth0\\       valid_lft forever preferred_lft forever",
      "3: docker0    inet 172.17.0.1/16 brd 172.17.255.255 scope global docker0\\       valid_lft forever preferred_lft forever",
      "4: br-5f3a1c    inet 172.18.0.1/16 brd 172.18.255.255 scope global br-5f3a1c\\       valid_lft forever preferred_lft forever",
      "5: docker_gwbridge    inet 172.19.0.1/16 scope global docker_gwbridge\\ valid_lft forever",
      "6: veth12@if5    inet 169.254.3.3/16 scope global veth12\\ valid_lft forever",
      "7: ens10    inet 10.0.0.10/32 brd 10.0.0.10 scope global dynamic ens10\\       valid_lft 85000sec preferred_lft 85000sec",
      "",
    ].join("\n");
    const addresses = parseInterfaceAddresses(output);
    expect(addresses).toEqual([
      { iface: "eth0", address: "203.0.113.10" },
      { iface: "ens10", address: "10.0.0.10" },
    ]);
    expect(choosePrivateAddress(addresses)).toBe("10.0.0.10");
    expect(choosePrivateAddress(addresses.slice(0, 1))).toBe("203.0.113.10");
    expect(choosePrivateAddress([])).toBeUndefined();
  });
});

describe("which ports", () => {
  it("parses docker's publish specs", () => {
    expect(parsePublishSpec("6379:6379")).toEqual({
      bind: undefined,
      hostPort: "6379",
      containerPort: "6379",
      protocol: "tcp",
    });
    expect(parsePublishSpec("127.0.0.1:6380:6379")).toEqual({
      bind: "127.0.0.1",
      hostPort: "6380",
      containerPort: "6379",
      protocol: "tcp",
    });
    expect(parsePublishSpec("10.0.0.2::53/udp")).toEqual({
      bind: "10.0.0.2",
      hostPort: "",
      containerPort: "53",
      protocol: "udp",
    });
    expect(parsePublishSpec("[::1]:5432:5432")).toEqual({
      bind: "::1",
      hostPort: "5432",
      containerPort: "5432",
      protocol: "tcp",
    });
    expect(parsePublishSpec("5432")).toMatchObject({ hostPort: "5432", containerPort: "5432" });
  });

  it("config level: what cannot be reached from another host", () => {
    expect(publishProblem(undefined, undefined)).toBe("publishes no port");
    expect(publishProblem("127.0.0.1:6379:6379", undefined)).toBe(
      "publishes 127.0.0.1:6379:6379, bound to the loopback address 127.0.0.1 only",
    );
    expect(publishProblem("[::1]:6379:6379", undefined)).toMatch(/loopback address ::1/);
    expect(publishProblem("0.0.0.0::6379", undefined)).toMatch(/random/);
    expect(publishProblem("6380:6379", undefined)).toMatch(/host port 6380 is not the container port 6379/);
    expect(publishProblem("10.0.0.5:6379:6379", "10.0.0.9")).toMatch(
      /bound to 10.0.0.5, not to the private address 10.0.0.9/,
    );
    for (const fine of ["6379:6379", "0.0.0.0:6379:6379", "[::]:6379:6379", "10.0.0.9:6379:6379"]) {
      expect(publishProblem(fine, "10.0.0.9")).toBeUndefined();
    }
    expect(publishProblem("10.0.0.5:6379:6379", undefined)).toBeUndefined();
  });

  it("deploy time: reads docker port (old and new IPv6 spellings) and finds a reachable binding", () => {
    const bindings = parseDockerPort("6379/tcp -> 0.0.0.0:6379\n6379/tcp -> [::]:6379\n9121/tcp -> :::9121\nnoise\n");
    expect(bindings).toEqual([
      { containerPort: "6379", protocol: "tcp", bind: "0.0.0.0", hostPort: "6379" },
      { containerPort: "6379", protocol: "tcp", bind: "::", hostPort: "6379" },
      { containerPort: "9121", protocol: "tcp", bind: "::", hostPort: "9121" },
    ]);
    const spec = parsePublishSpec("6379");
    expect(reachableBinding(bindings, spec, "10.0.0.2")).toBeDefined();
    const loopback = parseDockerPort("6379/tcp -> 127.0.0.1:6379\n");
    expect(reachableBinding(loopback, spec, "10.0.0.2")).toBeUndefined();
    expect(reachableBinding(parseDockerPort("6379/tcp -> 10.0.0.2:6379\n"), spec, "10.0.0.2")).toBeDefined();
    expect(reachableBinding(parseDockerPort("6379/tcp -> 10.0.0.3:6379\n"), spec, "10.0.0.2")).toBeUndefined();
    expect(reachableBinding(parseDockerPort("6379/tcp -> 0.0.0.0:6380\n"), spec, "10.0.0.2")).toBeUndefined();
    expect(reachableBinding(parseDockerPort("6379/udp -> 0.0.0.0:6379\n"), spec, "10.0.0.2")).toBeUndefined();
  });
});
