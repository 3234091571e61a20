import { describe, expect, it } from "vitest";
import { ConfigError, EXIT_CODES } from "../errors.js";
import { loadConfigFile } from "./load/load-file.js";
import { namesOnKamalNetwork } from "./service-name-checks.js";
import { configProblem } from "../testing/config-problem.js";
import { validateConfig } from "./validate.js";

type Hash = Record<string, unknown>;

const BASE = {
  service: "app",
  image: "app",
  builder: { arch: "amd64" },
  registry: { username: "user", password: "secret" },
  servers: { web: ["10.0.0.1"], workers: { hosts: ["10.0.0.2"] } },
  accessories: { redis: { image: "redis:7", host: "10.0.0.1", port: 6379 } },
};

describe("stable names: colliding names are config errors", () => {
  it("role db and accessory db: both keys named", () => {
    const config = {
      ...BASE,
      servers: { ...BASE.servers, db: ["10.0.0.3"] },
      accessories: { db: { image: "pg", host: "10.0.0.3" } },
    };
    expect(configProblem(config)).toEqual({
      message:
        "accessories/db: accessory db is named app-db on the kamal network, and so is role db (servers/db): " +
        "rename one of them, or give the accessory another container name with accessories/db/service",
      keyPath: "accessories/db",
    });
  });

  it("an accessory whose service: equals a role's stable name, or another accessory's name", () => {
    expect(
      configProblem({ ...BASE, accessories: { cache: { image: "redis", host: "10.0.0.1", service: "app-web" } } }),
    ).toMatchObject({
      message: expect.stringMatching(
        /^accessories\/cache\/service: accessory cache is named app-web on the kamal network, and so is role web \(servers\/web\)/,
      ),
      keyPath: "accessories/cache/service",
    });
    expect(
      configProblem({
        ...BASE,
        accessories: { a: { image: "x", host: "10.0.0.1", service: "app-b" }, b: { image: "y", host: "10.0.0.1" } },
      }),
    ).toMatchObject({
      message: expect.stringContaining(
        "accessory b is named app-b on the kamal network, and so is accessory a (accessories/a/service)",
      ),
      keyPath: "accessories/b",
    });
  });

  it("the proxy's name is taken", () => {
    expect(
      configProblem({
        ...BASE,
        service: "kamal",
        servers: { web: ["10.0.0.1"], proxy: ["10.0.0.1"] },
        accessories: {},
      }),
    ).toEqual({
      message:
        "servers/proxy: role proxy is named kamal-proxy on the kamal network, and so is the proxy's container: rename one of them",
      keyPath: "servers/proxy",
    });
  });

  it("the destination is part of a role's name: role db -d staging and accessory db do not collide", () => {
    const config = {
      ...BASE,
      servers: { ...BASE.servers, db: ["10.0.0.3"] },
      accessories: { db: { image: "pg", host: "10.0.0.3" } },
    };
    expect(configProblem(config, "staging")).toBeUndefined();
    expect(namesOnKamalNetwork(config, "staging").map((thing) => thing.name)).toEqual([
      "app-db-staging",
      "app-web-staging",
      "app-workers-staging",
      "app-db",
    ]);
  });

  it("a config without accessories and distinct names loads", () => {
    const { accessories: _, ...withoutAccessories } = BASE;
    expect(configProblem(withoutAccessories)).toBeUndefined();
    expect(configProblem(BASE)).toBeUndefined();
  });
});

describe("stable names: a role's options name is a config error", () => {
  it("names the key and points to network-alias", () => {
    const config = {
      ...BASE,
      servers: { ...BASE.servers, workers: { hosts: ["10.0.0.2"], options: { name: "jobs" } } },
    };
    const found = configProblem(config);
    expect(found?.keyPath).toBe("servers/workers/options/name");
    expect(found?.message).toMatch(/^servers\/workers\/options\/name: a role cannot name its containers: /);
    expect(found?.message).toContain("use network-alias: jobs");
  });

  it("other options pass (network-alias, add-host)", () => {
    const options = { "network-alias": "jobs", "add-host": "x:1.2.3.4" };
    expect(
      configProblem({ ...BASE, servers: { ...BASE.servers, workers: { hosts: ["10.0.0.2"], options } } }),
    ).toBeUndefined();
  });
});

describe("private_ip", () => {
  it("takes a hash from a host of the config to an IPv4 address", () => {
    const config = {
      ...BASE,
      servers: { web: ["203.0.113.10"] },
      accessories: { redis: { image: "redis", host: "db.example.com", port: 6379 } },
      private_ip: { "203.0.113.10": "10.0.0.10", "db.example.com": "10.0.0.20" },
    };
    expect(configProblem(config)).toBeUndefined();
  });

  it.each<[string, unknown, string, string]>([
    ["not a hash", ["10.0.0.1"], "private_ip: should be a hash", "private_ip"],
    [
      "a value that is not an IPv4 address",
      { "10.0.0.1": "fd00::1" },
      'private_ip/10.0.0.1: should be the host\'s private IPv4 address (e.g. 10.0.0.10), not "fd00::1"',
      "private_ip/10.0.0.1",
    ],
    [
      "an empty value",
      { "10.0.0.1": null },
      "private_ip/10.0.0.1: should be the host's private IPv4 address (e.g. 10.0.0.10), not empty",
      "private_ip/10.0.0.1",
    ],
    [
      "a host the config does not have",
      { "10.0.0.9": "10.1.0.9" },
      "private_ip/10.0.0.9: 10.0.0.9 is not a host of this config (its hosts: 10.0.0.1, 10.0.0.2); write the host as servers: or accessories: spell it",
      "private_ip/10.0.0.9",
    ],
  ])("%s", (_name, value, message, keyPath) => {
    expect(configProblem({ ...BASE, private_ip: value })).toEqual({ message, keyPath });
  });
});

describe("cross-host ports: an accessory reached from another host must publish its port there", () => {
  const twoHosts = (redis: Hash, extra: Hash = {}) => ({
    ...BASE,
    servers: { web: { hosts: ["10.0.0.1"], depends_on: ["redis"] } },
    accessories: { redis: { image: "redis:7", host: "10.0.0.2", ...redis } },
    ...extra,
  });

  it("passes for a port on all interfaces, or on the host's private address", () => {
    expect(configProblem(twoHosts({ port: 6379 }))).toBeUndefined();
    expect(configProblem(twoHosts({ port: "0.0.0.0:6379:6379" }))).toBeUndefined();
    expect(configProblem(twoHosts({ port: "10.0.0.2:6379:6379" }))).toBeUndefined();
    expect(
      configProblem({
        ...twoHosts({ port: "192.168.5.2:6379:6379" }),
        private_ip: { "10.0.0.2": "192.168.5.2" },
      }),
    ).toBeUndefined();
  });

  it("fails for a port on the loopback address, naming the role, the accessory and the fix", () => {
    expect(configProblem(twoHosts({ port: "127.0.0.1:6379:6379" }))).toEqual({
      message:
        "accessories/redis/port: role web on 10.0.0.1 reaches app-redis (depends_on), but accessory redis runs on " +
        "10.0.0.2 and publishes 127.0.0.1:6379:6379, bound to the loopback address 127.0.0.1 only; publish it on all " +
        "interfaces (port: 6379) or on 10.0.0.2 (port: 10.0.0.2:6379:6379)",
      keyPath: "accessories/redis/port",
    });
  });

  it("fails for no port, taking the port from the env value that names it", () => {
    const config = {
      ...twoHosts({}),
      servers: { web: ["10.0.0.1"] },
      env: { clear: { REDIS_URL: "redis://app-redis:6380/0" } },
    };
    const found = configProblem(config);
    expect(found?.keyPath).toBe("accessories/redis");
    expect(found?.message).toContain(
      "role web on 10.0.0.1 reaches app-redis (env REDIS_URL), but accessory redis runs on 10.0.0.2 and publishes no port",
    );
    expect(found?.message).toContain("(port: 6380)");
  });

  it("fails for a bind to another address than the configured private one, and for a different host port", () => {
    expect(
      configProblem({ ...twoHosts({ port: "10.0.0.2:6379:6379" }), private_ip: { "10.0.0.2": "192.168.5.2" } })
        ?.message,
    ).toContain("bound to 10.0.0.2, not to the private address 192.168.5.2");
    expect(configProblem(twoHosts({ port: "6380:6379" }))?.message).toContain(
      "host port 6380 is not the container port 6379",
    );
  });

  it("says nothing when the accessory runs on the role's host, or the role maps the name itself", () => {
    expect(configProblem(twoHosts({ port: "127.0.0.1:6379:6379", host: "10.0.0.1" }))).toBeUndefined();
    expect(
      configProblem({
        ...twoHosts({ port: "127.0.0.1:6379:6379" }),
        servers: { web: { hosts: ["10.0.0.1"], depends_on: ["redis"], options: { "add-host": "app-redis:10.9.9.9" } } },
      }),
    ).toBeUndefined();
  });

  it("applies to Kamal-only configs too (a name in env, no dhow key)", () => {
    const config = {
      ...twoHosts({ port: "127.0.0.1:6379:6379" }),
      servers: { web: ["10.0.0.1"] },
      env: { REDIS_HOST: "app-redis" },
    };
    expect(configProblem(config)?.keyPath).toBe("accessories/redis/port");
  });
});

describe("errors carry file and line and exit 78", () => {
  it("points at the accessory in deploy.yml", () => {
    const text = [
      "service: app",
      "image: app",
      "builder: { arch: amd64 }",
      "registry: { username: u, password: p }",
      "servers:",
      "  web: [1.1.1.1]",
      "  db: [1.1.1.2]",
      "accessories:",
      "  db:",
      "    image: postgres",
      "    host: 1.1.1.2",
      "",
    ].join("\n");
    const loaded = loadConfigFile({ file: "config/deploy.yml", cwd: "/project", env: {}, readFile: () => text });
    let caught: unknown;
    try {
      validateConfig(loaded.raw, { locate: loaded.locate, file: loaded.files[0] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).message).toMatch(/\(config\/deploy\.yml:9:3\)$/);
    expect((caught as ConfigError).exitCode).toBe(EXIT_CODES.config);
  });
});

describe("validation leaves the raw config as it was", () => {
  it("does not freeze it (the checks resolve a copy)", () => {
    const raw = structuredClone(BASE) as Hash;
    validateConfig(raw);
    expect(Object.isFrozen(raw)).toBe(false);
    expect(Object.isFrozen(raw.accessories)).toBe(false);
  });
});
