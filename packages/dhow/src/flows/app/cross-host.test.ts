import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CrossHostError } from "../../errors.js";
import { RecordingExecutor } from "../../testing/recording-executor.js";
import { testContext } from "../../testing/test-context.js";
import {
  checkCrossHostPorts,
  extraHostsFor,
  extraHostsForAccessory,
  PRIVATE_IP_CACHE,
  privateAddressOf,
} from "./cross-host.js";

const IP_OUTPUT = [
  "2: eth0    inet 203.0.113.20/24 brd 203.0.113.255 scope global eth0\\       valid_lft forever preferred_lft forever",
  "3: docker0    inet 172.17.0.1/16 brd 172.17.255.255 scope global docker0\\       valid_lft forever preferred_lft forever",
  "4: ens10    inet 10.0.0.20/32 scope global ens10\\       valid_lft forever preferred_lft forever",
  "",
].join("\n");

/** web on 203.0.113.10 reaches redis (depends_on) and db (env) on 203.0.113.20; workers runs beside them. */
const RAW = {
  service: "shop",
  image: "shop",
  registry: { username: "u", password: "p" },
  builder: { arch: "amd64" },
  servers: {
    web: { hosts: ["203.0.113.10"], depends_on: ["redis"] },
    workers: { hosts: ["203.0.113.20"], proxy: false },
  },
  env: { clear: { DATABASE_URL: "postgres://shop-db:5432/shop" } },
  accessories: {
    redis: { image: "redis:7", host: "203.0.113.20", port: 6379 },
    db: { image: "postgres:16", host: "203.0.113.20", port: "5432" },
    search: { image: "meili", host: "203.0.113.30", port: 7700, depends_on: ["db"] },
  },
};

const dirs: string[] = [];
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "dhow-cross-host-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function answering(ports: Record<string, string> = {}) {
  return new RecordingExecutor()
    .respond(/^ip -4 -o addr show scope global$/, { stdout: IP_OUTPUT })
    .respond(/^docker port /, ({ command }) => {
      const container = command.split(" ")[2] ?? "";
      const output = ports[container];
      return output === undefined
        ? { exitCode: 1, stderr: `Error response from daemon: No such container: ${container}` }
        : { stdout: output };
    });
}

describe("extraHostsFor", () => {
  it("maps each accessory the role reaches elsewhere to its host's discovered private address, discovered once", async () => {
    const cwd = project();
    const ctx = testContext({ raw: RAW, executor: answering(), cwd });
    const web = ctx.config.role("web")!;
    const [first, second] = await Promise.all([
      extraHostsFor(ctx, "203.0.113.10", web),
      extraHostsFor(ctx, "203.0.113.10", web),
    ]);
    expect(first).toEqual([
      { name: "shop-redis", address: "10.0.0.20" },
      { name: "shop-db", address: "10.0.0.20" },
    ]);
    expect(second).toEqual(first);
    expect(ctx.executor.commands()).toEqual(["ip -4 -o addr show scope global"]);
    expect(ctx.executor.calls[0]?.host).toBe("203.0.113.20");
    expect(JSON.parse(readFileSync(join(cwd, PRIVATE_IP_CACHE), "utf8"))).toEqual({ "203.0.113.20": "10.0.0.20" });
    expect(ctx.logger.text()).toContain(
      "203.0.113.20 private address 10.0.0.20 (discovered, cached in .kamal/private-ips.json; delete it to discover again)",
    );
  });

  it("nothing for a role whose accessories all run on its host", async () => {
    const ctx = testContext({ raw: RAW, executor: answering(), cwd: project() });
    expect(await extraHostsFor(ctx, "203.0.113.20", ctx.config.role("workers")!)).toEqual([]);
    expect(ctx.executor.commands()).toEqual([]);
  });

  it("an accessory that depends on an accessory elsewhere", async () => {
    const ctx = testContext({ raw: RAW, executor: answering(), cwd: project() });
    expect(await extraHostsForAccessory(ctx, "203.0.113.30", ctx.config.accessory("search")!)).toEqual([
      { name: "shop-db", address: "10.0.0.20" },
    ]);
  });
});

describe("privateAddressOf", () => {
  it("the private_ip setting, then a private literal host: no SSH", async () => {
    const raw = { ...RAW, private_ip: { "203.0.113.20": "192.168.7.20" } };
    const ctx = testContext({ raw, executor: answering(), cwd: project() });
    expect(await privateAddressOf(ctx, "203.0.113.20")).toBe("192.168.7.20");
    expect(await privateAddressOf(ctx, "10.1.1.1")).toBe("10.1.1.1");
    expect(ctx.executor.commands()).toEqual([]);
  });

  it("the cache before discovery; a new run reads it instead of asking the host", async () => {
    const cwd = project();
    mkdirSync(join(cwd, ".kamal"));
    writeFileSync(join(cwd, PRIVATE_IP_CACHE), JSON.stringify({ "203.0.113.20": "10.9.9.20", bad: "x" }));
    const ctx = testContext({ raw: RAW, executor: answering(), cwd });
    expect(await privateAddressOf(ctx, "203.0.113.20")).toBe("10.9.9.20");
    expect(ctx.executor.commands()).toEqual([]);
  });

  it("a corrupt cache counts as empty and is rewritten", async () => {
    const cwd = project();
    mkdirSync(join(cwd, ".kamal"));
    writeFileSync(join(cwd, PRIVATE_IP_CACHE), "{not json");
    const ctx = testContext({ raw: RAW, executor: answering(), cwd });
    expect(await privateAddressOf(ctx, "203.0.113.20")).toBe("10.0.0.20");
    expect(JSON.parse(readFileSync(join(cwd, PRIVATE_IP_CACHE), "utf8"))).toEqual({ "203.0.113.20": "10.0.0.20" });
  });

  it("fails clearly when ip fails or finds nothing, with the private_ip fix", async () => {
    const failing = new RecordingExecutor().respond(/^ip /, { exitCode: 127, stderr: "sh: ip: not found" });
    const ctx = testContext({ raw: RAW, executor: failing, cwd: project() });
    await expect(privateAddressOf(ctx, "203.0.113.20")).rejects.toThrow(
      new CrossHostError(
        "Cannot find the private address of 203.0.113.20: `ip -4 -o addr show scope global` failed there (sh: ip: not found); set it in config/deploy.yml: private_ip: { 203.0.113.20: <its private IPv4 address> }",
      ),
    );
    const empty = new RecordingExecutor().respond(/^ip /, {
      stdout: "3: docker0    inet 172.17.0.1/16 scope global docker0\n",
    });
    const ctx2 = testContext({ raw: RAW, executor: empty, cwd: project() });
    await expect(privateAddressOf(ctx2, "203.0.113.20")).rejects.toThrow(/it has no IPv4 address but Docker's; set it/);
  });

  it("warns when the host has only a public address", async () => {
    const publicOnly = new RecordingExecutor().respond(/^ip /, {
      stdout: "2: eth0    inet 203.0.113.20/24 scope global eth0\n",
    });
    const ctx = testContext({ raw: RAW, executor: publicOnly, cwd: project() });
    expect(await privateAddressOf(ctx, "203.0.113.20")).toBe("203.0.113.20");
    expect(ctx.logger.text()).toContain("203.0.113.20 has no address in a private range");
  });
});

describe("checkCrossHostPorts", () => {
  it("passes when docker port shows every interface or the private address", async () => {
    const executor = answering({
      "shop-redis": "6379/tcp -> 0.0.0.0:6379\n6379/tcp -> [::]:6379\n",
      "shop-db": "5432/tcp -> 10.0.0.20:5432\n",
    });
    const ctx = testContext({ raw: RAW, executor, cwd: project() });
    await checkCrossHostPorts(ctx);
    expect(executor.commands("203.0.113.20")).toEqual([
      "ip -4 -o addr show scope global",
      "docker port shop-redis",
      "docker port shop-db",
    ]);
  });

  it("fails naming the accessory, the host, what is published and the fix", async () => {
    const executor = answering({
      "shop-redis": "6379/tcp -> 127.0.0.1:6379\n",
      "shop-db": "5432/tcp -> 0.0.0.0:5432\n",
    });
    const ctx = testContext({ raw: RAW, executor, cwd: project() });
    await expect(checkCrossHostPorts(ctx)).rejects.toThrow(
      "role web on 203.0.113.10 reaches shop-redis at 10.0.0.20:6379, but on 203.0.113.20 shop-redis publishes it on 127.0.0.1:6379 only; " +
        "publish 6379/tcp on all interfaces (port: 6379) or on 10.0.0.20 (port: 10.0.0.20:6379:6379) and reboot it (`dhow accessory reboot redis`)",
    );
  });

  it("fails for an accessory that is not running", async () => {
    const executor = answering({ "shop-redis": "6379/tcp -> 0.0.0.0:6379\n" });
    const ctx = testContext({ raw: RAW, executor, cwd: project() });
    await expect(checkCrossHostPorts(ctx)).rejects.toThrow(
      /shop-db is not running on 203\.0\.113\.20 \(`docker port shop-db`: Error response from daemon: No such container: shop-db\); boot it with `dhow accessory boot db`/,
    );
  });

  it("checks only the selected roles' links, and accessories when asked", async () => {
    const executor = answering({});
    const ctx = testContext({ raw: RAW, executor, cwd: project(), selection: { roles: "workers" } });
    await checkCrossHostPorts(ctx);
    expect(executor.commands()).toEqual([]);
    await expect(checkCrossHostPorts(ctx, { accessories: [ctx.config.accessory("search")!] })).rejects.toThrow(
      /accessory search on 203\.0\.113\.30 reaches shop-db at 10\.0\.0\.20, but shop-db is not running/,
    );
  });

  it("does nothing when no name crosses hosts", async () => {
    const raw = { ...RAW, servers: { web: ["203.0.113.20"] }, accessories: { redis: RAW.accessories.redis } };
    const ctx = testContext({ raw, executor: answering(), cwd: project() });
    await checkCrossHostPorts(ctx);
    expect(ctx.executor.commands()).toEqual([]);
  });
});
