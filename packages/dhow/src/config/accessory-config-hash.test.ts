import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as accessoryCommands from "../commands/accessory.js";
import { render } from "../commands/command.js";
import { staticSecrets } from "../secrets/secrets.js";
import { CONFIG_HASH_LENGTH, usesDependencyFeatures } from "./accessory-config-hash.js";
import { type Config, createConfig } from "./config.js";
import type { RawConfig } from "./raw-config.js";

type Hash = Record<string, unknown>;

const dir = mkdtempSync(join(tmpdir(), "dhow-config-hash-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, "my.cnf"), "[mysqld]\nmax_connections=100\n");

const DB: Hash = {
  image: "mysql:8.0",
  host: "1.1.1.5",
  port: 3306,
  cmd: "--default-authentication-plugin=mysql_native_password",
  env: { clear: { MYSQL_ROOT_HOST: "%", MYSQL_DATABASE: "app" }, secret: ["MYSQL_ROOT_PASSWORD"] },
  files: ["my.cnf:/etc/mysql/my.cnf"],
  directories: ["data:/var/lib/mysql"],
  volumes: ["/backups:/backups"],
  options: { memory: "1g" },
  labels: { team: "core" },
  healthcheck: { cmd: "mysqladmin ping", interval: 2 },
};

function build(
  db: Hash = DB,
  {
    root = {},
    secrets = { MYSQL_ROOT_PASSWORD: "s3cret", MYSQL_PASSWORD: "other" },
    cwd = dir,
  }: { root?: Hash; secrets?: Record<string, string>; cwd?: string } = {},
): Config {
  return createConfig(
    {
      service: "app",
      image: "dhh/app",
      registry: { username: "u", password: "p" },
      servers: { web: { hosts: ["1.1.1.1"], depends_on: ["db"] } },
      accessories: { db },
      ...root,
    } as unknown as RawConfig,
    { version: "999", secrets: staticSecrets(secrets), cwd },
  );
}

const hashOf = (config: Config) => config.accessory("db")!.configHash() as string;

describe("accessory config hash (drift)", () => {
  it("is 12 hex characters, the same for the same config whatever the key order", () => {
    const hash = hashOf(build());
    expect(hash).toMatch(new RegExp(`^[0-9a-f]{${CONFIG_HASH_LENGTH}}$`));
    const reordered = Object.fromEntries(Object.entries(DB).reverse());
    expect(
      hashOf(
        build({
          ...reordered,
          env: { secret: ["MYSQL_ROOT_PASSWORD"], clear: { MYSQL_DATABASE: "app", MYSQL_ROOT_HOST: "%" } },
        }),
      ),
    ).toBe(hash);
  });

  it.each([
    ["the image", { image: "mysql:8.4" }],
    ["cmd", { cmd: "--skip-log-bin" }],
    ["the port", { port: "127.0.0.1:3306:3306" }],
    ["the network", { network: "private" }],
    [
      "a clear env value",
      { env: { clear: { MYSQL_ROOT_HOST: "10.%", MYSQL_DATABASE: "app" }, secret: ["MYSQL_ROOT_PASSWORD"] } },
    ],
    [
      "the secret names",
      { env: { clear: DB.env && (DB.env as Hash).clear, secret: ["MYSQL_ROOT_PASSWORD", "MYSQL_PASSWORD"] } },
    ],
    ["volumes", { volumes: ["/backups:/srv/backups"] }],
    ["a file mapping", { files: ["my.cnf:/etc/mysql/conf.d/my.cnf"] }],
    ["directories", { directories: ["data:/var/lib/mysql-data"] }],
    ["options", { options: { memory: "2g" } }],
    ["the restart policy", { options: { memory: "1g", restart: "always" } }],
    ["labels", { labels: { team: "data" } }],
    ["the healthcheck", { healthcheck: { cmd: "mysqladmin ping", interval: 3 } }],
    ["the proxy", { proxy: { host: "db.example.com", app_port: 3306 } }],
  ])("changes with %s", (_what, change) => {
    expect(hashOf(build({ ...DB, ...change }))).not.toBe(hashOf(build()));
  });

  it("changes with a secret's value, a file's content and the root logging", () => {
    const before = hashOf(build());
    expect(hashOf(build(DB, { secrets: { MYSQL_ROOT_PASSWORD: "rotated", MYSQL_PASSWORD: "other" } }))).not.toBe(
      before,
    );
    expect(hashOf(build(DB, { root: { logging: { driver: "local" } } }))).not.toBe(before);
    writeFileSync(join(dir, "my.cnf"), "[mysqld]\nmax_connections=200\n");
    expect(hashOf(build())).not.toBe(before);
    writeFileSync(join(dir, "my.cnf"), "[mysqld]\nmax_connections=100\n");
    expect(hashOf(build())).toBe(before);
  });

  it("does not change with hosts, depends_on or the checkout's location; never contains a secret", () => {
    const before = hashOf(build());
    expect(hashOf(build({ ...DB, host: "1.1.1.9" }))).toBe(before);
    expect(hashOf(build({ ...DB, depends_on: ["web"] }))).toBe(before);
    const elsewhere = mkdtempSync(join(tmpdir(), "dhow-config-hash-other-"));
    try {
      writeFileSync(join(elsewhere, "my.cnf"), "[mysqld]\nmax_connections=100\n");
      expect(hashOf(build(DB, { cwd: elsewhere }))).toBe(before);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
    expect(render(accessoryCommands.run({ config: build(), accessory: build().accessory("db")! }))).not.toContain(
      "s3cret",
    );
  });
});

describe("the dhow.config-hash label", () => {
  it("is on docker run after the labels when the config uses depends_on or a healthcheck", () => {
    const config = build();
    const hash = hashOf(config);
    expect(render(accessoryCommands.run({ config, accessory: config.accessory("db")! }))).toContain(
      `--label service="app-db" --label team="core" --label dhow.config-hash="${hash}" --health-cmd 'mysqladmin ping' --health-interval 2s --memory "1g" mysql:8.0 --default-authentication-plugin=mysql_native_password`,
    );
  });

  it("is absent (Kamal's docker run) when the config uses no dependency feature", () => {
    const { healthcheck: _, ...plain } = DB;
    const config = build(plain, { root: { servers: ["1.1.1.1"] } });
    expect(config.accessory("db")!.configHash()).toBeUndefined();
    expect(render(accessoryCommands.run({ config, accessory: config.accessory("db")! }))).not.toContain("dhow.");
  });

  it("is read back from the running container with docker inspect", () => {
    const config = build();
    expect(render(accessoryCommands.configHashLabel({ config, accessory: config.accessory("db")! }))).toBe(
      `docker inspect --format '{{index .Config.Labels "dhow.config-hash"}}' app-db`,
    );
  });
});

describe("usesDependencyFeatures", () => {
  it.each([
    [{ servers: ["1.1.1.1"], accessories: { db: { image: "x" } } }, false],
    [{ servers: { web: ["1.1.1.1"] } }, false],
    [{ servers: { web: { hosts: ["1.1.1.1"], depends_on: ["db"] } } }, true],
    [{ accessories: { db: { image: "x", depends_on: ["redis"] } } }, true],
    [{ accessories: { db: { image: "x", healthcheck: { port: 3306 } } } }, true],
  ])("%j -> %s", (raw, expected) => {
    expect(usesDependencyFeatures(raw as unknown as RawConfig)).toBe(expected);
  });
});
