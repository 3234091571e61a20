import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RecordingExecutor } from "../../testing/recording-executor.js";
import { bootAccessory } from "./boot.js";
import { withLock } from "../runtime/with-lock.js";
import { progressLines } from "../../testing/ops-fixtures.js";
import { testContext } from "../../testing/test-context.js";

const AUDIT = (line: string) =>
  `mkdir -p .kamal && echo "[2025-01-15T10:30:00Z] [deployer@example.com] ${line}" >> .kamal/app-audit.log`;
const LOCK_ACQUIRE = /^mkdir \.kamal\/lock-app && echo/;
const LOCK_RELEASE = "rm .kamal/lock-app/details && rm -r .kamal/lock-app";

function project() {
  const cwd = mkdtempSync(join(tmpdir(), "dhow-accessory-"));
  mkdirSync(join(cwd, "config"), { recursive: true });
  writeFileSync(join(cwd, "config/setup.sql.erb"), "CREATE USER '<%= ENV[\"DB_USER\"] %>';\n");
  writeFileSync(join(cwd, "config/my.cnf"), "[mysqld]\n");
  return cwd;
}

function raw(overrides: Record<string, unknown> = {}) {
  return {
    service: "app",
    image: "dhh/app",
    registry: { server: "private.registry", username: "dhh", password: "secret" },
    builder: { arch: "amd64" },
    servers: { web: ["1.1.1.1", "1.1.1.2"], workers: ["1.1.1.3"] },
    accessories: {
      mysql: {
        image: "mysql:8.0",
        host: "1.1.1.5",
        port: "127.0.0.1:3306:3306",
        env: { clear: { MYSQL_ROOT_HOST: "%", DB_USER: "app" }, secret: ["MYSQL_ROOT_PASSWORD"] },
        files: ["config/setup.sql.erb:/docker-entrypoint-initdb.d/setup.sql", "config/my.cnf:/etc/mysql/my.cnf"],
        directories: ["data:/var/lib/mysql", { local: "logs", remote: "/var/log/mysql", mode: "0700", owner: "999" }],
      },
      redis: {
        image: "redis:7",
        hosts: ["1.1.1.1", "1.1.1.2"],
        registry: { server: "other.io", username: "u", password: "p" },
      },
      ...overrides,
    },
  };
}

describe("bootAccessory", () => {
  it("prepares, creates directories, uploads rendered files, writes the env file and runs the container (§7)", async () => {
    const cwd = project();
    const ctx = testContext({ raw: raw(), cwd, secrets: { MYSQL_ROOT_PASSWORD: "pw" } });
    await bootAccessory(ctx, "mysql");

    const commands = ctx.executor.commands("1.1.1.5");
    expect(commands).toEqual([
      "mkdir -p .kamal",
      "docker network create kamal",
      "docker login private.registry -u [REDACTED] -p [REDACTED]",
      "docker ps -a -q --filter label=service=app-mysql",
      "mkdir -p $PWD/app-mysql/data",
      "mkdir -p $PWD/app-mysql/logs",
      "chmod 0700 $PWD/app-mysql/logs",
      "chown 999 $PWD/app-mysql/logs",
      "mkdir -p app-mysql/docker-entrypoint-initdb.d && touch app-mysql/docker-entrypoint-initdb.d/setup.sql && printf %s 'Q1JFQVRFIFVTRVIgJ2FwcCc7Cg==' | base64 -d > app-mysql/docker-entrypoint-initdb.d/setup.sql",
      "chmod 755 app-mysql/docker-entrypoint-initdb.d/setup.sql",
      "mkdir -p app-mysql/etc/mysql && touch app-mysql/etc/mysql/my.cnf && printf %s 'W215c3FsZF0K' | base64 -d > app-mysql/etc/mysql/my.cnf",
      "chmod 755 app-mysql/etc/mysql/my.cnf",
      AUDIT("Booted mysql accessory"),
      "mkdir -p .kamal/apps/app/env/accessories && touch .kamal/apps/app/env/accessories/mysql.env && chmod 600 .kamal/apps/app/env/accessories/mysql.env && printf %s [REDACTED] | base64 -d > .kamal/apps/app/env/accessories/mysql.env",
      'docker run --name app-mysql --detach --restart unless-stopped --network kamal --log-opt max-size="10m" --publish 127.0.0.1:3306:3306 --env KAMAL_HOST="1.1.1.5" --env MYSQL_ROOT_HOST="%" --env DB_USER="app" --env-file .kamal/apps/app/env/accessories/mysql.env --volume $PWD/app-mysql/docker-entrypoint-initdb.d/setup.sql:/docker-entrypoint-initdb.d/setup.sql --volume $PWD/app-mysql/etc/mysql/my.cnf:/etc/mysql/my.cnf --volume $PWD/app-mysql/data:/var/lib/mysql --volume $PWD/app-mysql/logs:/var/log/mysql --label service="app-mysql" mysql:8.0',
    ]);
    expect(ctx.executor.files.get("1.1.1.5:app-mysql/docker-entrypoint-initdb.d/setup.sql")?.content.toString()).toBe(
      "CREATE USER 'app';\n",
    );
    expect(ctx.executor.files.get("1.1.1.5:app-mysql/etc/mysql/my.cnf")?.content.toString()).toBe("[mysqld]\n");
    const envFile = ctx.executor.files.get("1.1.1.5:.kamal/apps/app/env/accessories/mysql.env");
    expect(envFile?.content.toString()).toBe("MYSQL_ROOT_PASSWORD=pw\n");
    expect(envFile?.mode).toBe(0o600);
  });

  it("gives an accessory the name of an accessory it depends on on another host (--add-host)", async () => {
    const raw = {
      service: "app",
      image: "dhh/app",
      registry: { username: "u", password: "p" },
      servers: ["1.1.1.1"],
      private_ip: { "1.1.1.5": "10.0.0.5" },
      accessories: {
        db: { image: "postgres:16", host: "1.1.1.5", port: 5432 },
        search: { image: "search:1", host: "1.1.1.6", depends_on: ["db"] },
      },
    };
    const ctx = testContext({ raw, executor: new RecordingExecutor() });
    await bootAccessory(ctx, "search", { direct: true });
    const run = ctx.executor.commands("1.1.1.6").find((command) => command.startsWith("docker run --name app-search"));
    expect(run).toContain("--network kamal --add-host app-db:10.0.0.5 --log-opt");
  });

  it("boot all shows each host's boot as it runs and when it is done", async () => {
    const ctx = testContext({ raw: raw(), cwd: project(), secrets: { MYSQL_ROOT_PASSWORD: "pw" } });
    await bootAccessory(ctx, "all");
    expect(progressLines(ctx.logger, "1.1.1.5")).toEqual(["boot mysql...", "boot mysql done in Ns"]);
    for (const host of ["1.1.1.1", "1.1.1.2"])
      expect(progressLines(ctx.logger, host)).toEqual(["boot redis...", "boot redis done in Ns"]);
  });

  it("takes the lock on the primary host around the whole boot", async () => {
    const cwd = project();
    const ctx = testContext({ raw: raw(), cwd, secrets: { MYSQL_ROOT_PASSWORD: "pw" } });
    await bootAccessory(ctx, "mysql");
    const primary = ctx.executor.commands("1.1.1.1");
    expect(primary[0]).toBe("mkdir -p .kamal");
    expect(primary[1]).toMatch(LOCK_ACQUIRE);
    expect(primary.at(-1)).toBe(LOCK_RELEASE);
    expect(ctx.state.holdingLock).toBe(false);
  });

  it("skips hosts where the container exists, but still creates directories and uploads there", async () => {
    const executor = new RecordingExecutor().respond(
      ({ host, command }) => host === "1.1.1.1" && command.startsWith("docker ps -a -q"),
      { stdout: "abc123\n" },
    );
    const ctx = testContext({ raw: raw(), executor, cwd: project() });
    const outcomes = await bootAccessory(ctx, "redis");
    expect(outcomes).toEqual([
      { host: "1.1.1.1", accessory: "redis", state: "already-exists", container: "app-redis" },
      { host: "1.1.1.2", accessory: "redis", state: "booted", container: "app-redis" },
    ]);
    expect(ctx.logger.lines).toContain("Skipping booting `redis` on 1.1.1.1, a container already exists");
    const login = "docker login other.io -u [REDACTED] -p [REDACTED]";
    expect(ctx.executor.commands("1.1.1.1").filter((c) => !c.includes("lock-app") && c !== "mkdir -p .kamal")).toEqual([
      "docker network create kamal",
      login,
      "docker ps -a -q --filter label=service=app-redis",
    ]);
    expect(ctx.executor.commands("1.1.1.2")).toEqual([
      "mkdir -p .kamal",
      "docker network create kamal",
      login,
      "docker ps -a -q --filter label=service=app-redis",
      AUDIT("Booted redis accessory"),
      "mkdir -p .kamal/apps/app/env/accessories && touch .kamal/apps/app/env/accessories/redis.env && chmod 600 .kamal/apps/app/env/accessories/redis.env && printf %s [REDACTED] | base64 -d > .kamal/apps/app/env/accessories/redis.env",
      'docker run --name app-redis --detach --restart unless-stopped --network kamal --log-opt max-size="10m" --env KAMAL_HOST="1.1.1.2" --env-file .kamal/apps/app/env/accessories/redis.env --label service="app-redis" other.io/redis:7',
    ]);
  });

  it("ignores an existing kamal network but fails on other network errors", async () => {
    const exists = new RecordingExecutor().respond("docker network create kamal", {
      exitCode: 1,
      stderr: "Error response from daemon: network with name kamal already exists",
    });
    await bootAccessory(testContext({ raw: raw(), executor: exists, cwd: project() }), "redis");
    expect(exists.commands("1.1.1.2")).toContain(
      'docker run --name app-redis --detach --restart unless-stopped --network kamal --log-opt max-size="10m" --env KAMAL_HOST="1.1.1.2" --env-file .kamal/apps/app/env/accessories/redis.env --label service="app-redis" other.io/redis:7',
    );

    const broken = new RecordingExecutor().respond("docker network create kamal", {
      exitCode: 1,
      stderr: "Cannot connect to the Docker daemon",
    });
    const ctx = testContext({ raw: raw(), executor: broken, cwd: project() });
    await expect(bootAccessory(ctx, "redis")).rejects.toThrow(/Exceptions on 2 hosts/);
    expect(broken.commands("1.1.1.1").at(-1)).toBe(LOCK_RELEASE);
  });

  it("boots every accessory in YAML order with `all`", async () => {
    const ctx = testContext({ raw: raw(), cwd: project(), secrets: { MYSQL_ROOT_PASSWORD: "pw" } });
    await bootAccessory(ctx, "all");
    const runs = ctx.executor.calls
      .filter((call) => call.steps?.some((step) => step.startsWith("docker run")))
      .map((call) => call.host);
    expect(runs).toEqual(["1.1.1.5", "1.1.1.1", "1.1.1.2"]);
    expect(ctx.executor.commands().filter((c) => LOCK_ACQUIRE.test(c))).toHaveLength(1);
  });

  it("registers a proxied accessory with kamal-proxy by its running container id, read on the host", async () => {
    const executor = new RecordingExecutor();
    const ctx = testContext({
      raw: raw({
        "web-proxy": { image: "nginx", host: "1.1.1.4", proxy: { host: "acc.example.com", app_port: 8080 } },
      }),
      executor,
      cwd: project(),
    });
    await bootAccessory(ctx, "web-proxy");
    const commands = executor.commands("1.1.1.4");
    expect(commands.at(-1)).toMatch(
      /^docker exec kamal-proxy kamal-proxy deploy app-web-proxy --target="\$\(docker container ls --filter 'name=\^app-web-proxy\$' --quiet\):8080" --host="acc.example.com"/,
    );
  });

  it("fails with the file name when an accessory file is missing", async () => {
    const ctx = testContext({
      raw: raw({ bad: { image: "busybox", host: "1.1.1.4", files: ["config/nope.txt:/etc/nope.txt"] } }),
      cwd: project(),
    });
    await expect(bootAccessory(ctx, "bad")).rejects.toThrow(/Missing file: .*config\/nope\.txt/);
  });

  it("names the known accessories for an unknown name", async () => {
    const ctx = testContext({ raw: raw(), cwd: project() });
    await expect(bootAccessory(ctx, "pg")).rejects.toThrow(
      "No accessory by the name of 'pg' (options: mysql and redis)",
    );
  });

  it("boots only on the selected hosts", async () => {
    const ctx = testContext({ raw: raw(), cwd: project(), selection: { hosts: "1.1.1.2" } });
    await bootAccessory(ctx, "redis");
    // The lock stays on the config's primary host (which gets .kamal for it); nothing else runs there.
    expect(ctx.executor.commands("1.1.1.1").filter((c) => !c.includes("lock-app"))).toEqual(["mkdir -p .kamal"]);
    expect(ctx.executor.commands("1.1.1.2").some((c) => c.startsWith("docker run"))).toBe(true);
  });

  it("creates the kamal network once per host when accessories boot there in parallel (two racing creates make two)", async () => {
    const ctx = testContext({
      raw: raw({ cache: { image: "redis:7", hosts: ["1.1.1.1", "1.1.1.2"] } }),
      cwd: project(),
    });
    await withLock(ctx, () =>
      Promise.all([bootAccessory(ctx, "redis", { direct: true }), bootAccessory(ctx, "cache", { direct: true })]),
    );
    for (const host of ["1.1.1.1", "1.1.1.2"]) {
      const commands = ctx.executor.commands(host);
      expect(commands.filter((c) => c === "docker network create kamal")).toHaveLength(1);
      expect(commands.filter((c) => c.startsWith("docker run"))).toHaveLength(2);
      // The second boot's prepare waited for the first one's: the create comes before both runs.
      expect(commands.indexOf("docker network create kamal")).toBeLessThan(
        commands.findIndex((c) => c.startsWith("docker run")),
      );
    }
  });
});
