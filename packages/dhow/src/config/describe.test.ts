import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { showConfig } from "../flows/local/config.js";
import { staticSecrets } from "../secrets/secrets.js";
import { createConfig } from "./config.js";
import { describeConfig } from "./describe.js";

describe("describeConfig (kamal config)", () => {
  const config = createConfig(
    {
      service: "app",
      image: "dhh/app",
      registry: { server: "ghcr.io", username: "dhh", password: ["KAMAL_REGISTRY_PASSWORD"] },
      servers: { workers: ["1.1.1.3"], web: ["1.1.1.1", "1.1.1.2"] },
      volumes: ["data:/data"],
      ssh: { user: "deploy", proxy: "bastion", key_data: ["SSH_KEY"] },
      sshkit: { max_concurrent_starts: 10 },
      builder: { arch: "amd64", args: { A: "1" } },
      accessories: { db: { image: "mysql", host: "1.1.1.9", env: { secret: ["DB_PASSWORD"] } } },
      logging: { driver: "local" },
    },
    {
      version: "abc",
      secrets: staticSecrets({ KAMAL_REGISTRY_PASSWORD: "hunter2", SSH_KEY: "-----BEGIN KEY", DB_PASSWORD: "pw" }),
    },
  );
  const document = describeConfig(config);

  it("has Kamal's fields first, in Kamal's order, with Kamal's values", () => {
    expect(Object.keys(document).slice(0, 13)).toEqual([
      "roles",
      "hosts",
      "primary_host",
      "version",
      "repository",
      "absolute_image",
      "service_with_version",
      "volume_args",
      "ssh_options",
      "sshkit",
      "builder",
      "accessories",
      "logging",
    ]);
    expect(document.roles).toEqual(["web", "workers"]);
    expect(document.hosts).toEqual(["1.1.1.1", "1.1.1.2", "1.1.1.3", "1.1.1.9"]);
    expect(document.primary_host).toBe("1.1.1.1");
    expect(document.absolute_image).toBe("ghcr.io/dhh/app:abc");
    expect(document.service_with_version).toBe("app-abc");
    expect(document.volume_args).toEqual(["--volume", "data:/data"]);
    expect(document.ssh_options).toEqual({
      user: "deploy",
      port: 22,
      proxy: "root@bastion",
      keepalive: true,
      keepalive_interval: 30,
      key_data: ["[REDACTED]"],
      log_level: "fatal",
    });
    expect(document.sshkit).toEqual({ max_concurrent_starts: 10 });
    expect(document.builder).toEqual({ arch: "amd64", args: { A: "1" } });
    expect(document.accessories).toEqual({ db: { image: "mysql", host: "1.1.1.9", env: { secret: ["DB_PASSWORD"] } } });
    expect(document.logging).toEqual(["--log-driver", '"local"']);
  });

  it("puts dhow's own fields after Kamal's", () => {
    expect(Object.keys(document).slice(13)).toContain("service");
    expect(document.latest_image).toBe("ghcr.io/dhh/app:latest");
  });

  it("never contains secret values", () => {
    const text = JSON.stringify(document);
    for (const secret of ["hunter2", "-----BEGIN KEY", '"pw"']) expect(text).not.toContain(secret);
  });
});

describe("describeConfig: the depends_on graph (dhow only)", () => {
  const raw = {
    service: "app",
    image: "dhh/app",
    registry: { username: "dhh", password: "secret" },
    readiness_delay: 5,
    servers: {
      web: { hosts: ["1.1.1.1"], depends_on: { redis: { timeout: 60 }, db: { condition: "started" } } },
      workers: { hosts: ["1.1.1.2"], proxy: false, depends_on: ["web"] },
    },
    accessories: {
      redis: { image: "redis:7", host: "1.1.1.9", healthcheck: { cmd: "redis-cli ping" } },
      db: { image: "postgres:16", host: "1.1.1.9", depends_on: { schema: { condition: "completed" } } },
      schema: { image: "app-schema", host: "1.1.1.9" },
    },
  };
  const document = describeConfig(createConfig(raw as never, { version: "abc", secrets: staticSecrets({}) }));

  it("lists each node with its resolved dependencies, its health and the boot layers", () => {
    expect(Object.keys(document).at(-1)).toBe("dependencies");
    expect(document.dependencies).toEqual({
      nodes: [
        {
          node: "role:web",
          health: "proxy",
          depends_on: [
            { node: "accessory:redis", condition: "healthy", timeout: 60 },
            { node: "accessory:db", condition: "started", timeout: 300 },
          ],
        },
        {
          node: "role:workers",
          health: "docker health check, else readiness_delay 5s",
          depends_on: [{ node: "role:web", condition: "healthy", timeout: 300 }],
        },
        { node: "accessory:redis", health: "docker", depends_on: [] },
        {
          node: "accessory:db",
          health: "none",
          depends_on: [{ node: "accessory:schema", condition: "completed", timeout: 300 }],
        },
        { node: "accessory:schema", health: "none", depends_on: [] },
      ],
      layers: [["accessory:redis", "accessory:schema"], ["accessory:db"], ["role:web"], ["role:workers"]],
    });
  });

  it("is left out when the config uses neither depends_on nor a healthcheck", () => {
    expect(document).toHaveProperty("dependencies");
    expect(
      describeConfig(createConfig(BASE_RAW as never, { version: "abc", secrets: staticSecrets({}) })),
    ).not.toHaveProperty("dependencies");
  });
});

const BASE_RAW = {
  service: "app",
  image: "dhh/app",
  registry: { username: "dhh", password: "secret" },
  servers: { web: ["1.1.1.1"] },
  accessories: { redis: { image: "redis:7", host: "1.1.1.9" } },
};

describe("dhow config with depends_on", () => {
  const lines = [
    "service: app",
    "image: dhh/app",
    "registry: { username: dhh, password: secret }",
    "builder: { arch: amd64 }",
    "servers:",
    "  web:",
    "    hosts: [1.1.1.1]",
    "    depends_on: { redis: { condition: healthy, timeout: 120 } }",
    "accessories:",
    "  redis:",
    "    image: redis:7",
    "    host: 1.1.1.9",
    "    port: 6379",
    "    healthcheck: { cmd: redis-cli ping }",
    "",
  ];
  const show = (options: { json?: boolean; extended?: boolean }) => {
    const cwd = mkdtempSync(join(tmpdir(), "dhow-describe-"));
    try {
      mkdirSync(join(cwd, "config"));
      writeFileSync(join(cwd, "config", "deploy.yml"), lines.join("\n"));
      return showConfig({ cwd, env: {}, configFile: "config/deploy.yml", version: "v1", ...options });
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  };

  it("keeps the default output to Kamal's fields", () => {
    const text = show({});
    expect(text).not.toContain(":dependencies:");
    expect(text).toMatch(/\n:logging:\n- "--log-opt"\n- max-size="10m"\n$/);
  });

  it("shows the graph with --extended and --json", () => {
    expect(show({ extended: true })).toContain(
      [
        ":dependencies:",
        "  nodes:",
        "  - node: role:web",
        "    health: proxy",
        "    depends_on:",
        "    - node: accessory:redis",
        "      condition: healthy",
        "      timeout: 120",
        "  - node: accessory:redis",
        "    health: docker",
        "    depends_on: []",
        "  layers:",
        "  - - accessory:redis",
        "  - - role:web",
        "",
      ].join("\n"),
    );
    expect(JSON.parse(show({ json: true })).dependencies).toEqual({
      nodes: [
        {
          node: "role:web",
          health: "proxy",
          depends_on: [{ node: "accessory:redis", condition: "healthy", timeout: 120 }],
        },
        { node: "accessory:redis", health: "docker", depends_on: [] },
      ],
      layers: [["accessory:redis"], ["role:web"]],
    });
  });
});

describe("dhow config: stable names (dhow only)", () => {
  const lines = [
    "service: shop",
    "image: dhh/shop",
    "registry: { username: dhh, password: secret }",
    "builder: { arch: amd64 }",
    "servers:",
    "  web:",
    "    hosts: [203.0.113.10]",
    "    depends_on: [redis]",
    "  workers:",
    "    hosts: [203.0.113.11]",
    "    options: { network-alias: jobs }",
    "env:",
    "  DATABASE_URL: postgres://shop-db:5432/shop",
    "private_ip:",
    "  203.0.113.20: 10.0.0.20",
    "accessories:",
    "  redis:",
    "    image: redis:7",
    "    host: 203.0.113.20",
    "    port: 6379",
    "  db:",
    "    image: postgres:16",
    "    host: 203.0.113.21",
    "    port: 5432",
    "    network: backend",
    "",
  ];
  const show = (options: { json?: boolean; extended?: boolean }) => {
    const cwd = mkdtempSync(join(tmpdir(), "dhow-describe-"));
    try {
      mkdirSync(join(cwd, "config"));
      writeFileSync(join(cwd, "config", "deploy.yml"), lines.join("\n"));
      return showConfig({ cwd, env: {}, configFile: "config/deploy.yml", version: "v1", ...options });
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  };

  it("--json: each role's stable name, each accessory's name, private_ip and the names that cross hosts", () => {
    expect(JSON.parse(show({ json: true })).service_names).toEqual({
      roles: {
        web: { name: "shop-web", network: "kamal" },
        workers: { name: "shop-workers", network: "kamal", network_aliases: ["jobs"] },
      },
      accessories: { redis: { name: "shop-redis", network: "kamal" }, db: { name: "shop-db", network: "backend" } },
      private_ip: { "203.0.113.20": "10.0.0.20" },
      cross_host: [
        {
          from: "role:web",
          host: "203.0.113.10",
          name: "shop-redis",
          via: "depends_on",
          accessory_host: "203.0.113.20",
          address: "10.0.0.20",
        },
        {
          from: "role:web",
          host: "203.0.113.10",
          name: "shop-db",
          via: "env DATABASE_URL",
          accessory_host: "203.0.113.21",
          address: "discovered at boot",
        },
        {
          from: "role:workers",
          host: "203.0.113.11",
          name: "shop-db",
          via: "env DATABASE_URL",
          accessory_host: "203.0.113.21",
          address: "discovered at boot",
        },
      ],
    });
  });

  it("--extended shows them in YAML; plain dhow config stays Kamal's document", () => {
    expect(show({ extended: true })).toContain(
      [":service_names:", "  roles:", "    web:", "      name: shop-web", "      network: kamal", "    workers:"].join(
        "\n",
      ),
    );
    const plain = show({});
    expect(plain).not.toContain("service_names");
    expect(plain).not.toContain("shop-web");
  });
});
