import { pbkdf2 } from "node:crypto";
import { lookup as systemLookup } from "node:dns";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startDnsServer, type TestDnsServer } from "../../test/dns-server.js";
import { tempDir } from "../../test/helpers.js";
import { parseHosts, TargetResolver } from "./resolver.js";

let dns: TestDnsServer | undefined;
afterEach(async () => {
  await dns?.close();
  dns = undefined;
});

function resolverFor(server: TestDnsServer, extra: ConstructorParameters<typeof TargetResolver>[0] = {}) {
  return new TargetResolver({ servers: [server.address], hostsPath: "", timeoutMs: 5000, tries: 1, ...extra });
}

/** Settle order of promises, by label. */
function recordOrder(order: string[], label: string, promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => order.push(label),
    () => order.push(label),
  );
}

describe("TargetResolver", () => {
  it("answers IP literals, hosts-file names and localhost without DNS", async () => {
    dns = await startDnsServer({});
    const dir = tempDir();
    const hostsPath = join(dir, "hosts");
    writeFileSync(hostsPath, "# comment\n10.1.2.3  web-1 Web-Alias # trailing\nfe80::1 six\n");
    const resolver = resolverFor(dns, { hostsPath });
    expect(await resolver.lookup("192.0.2.7")).toEqual([{ address: "192.0.2.7", family: 4 }]);
    expect(await resolver.lookup("::1")).toEqual([{ address: "::1", family: 6 }]);
    expect(await resolver.lookup("web-alias")).toEqual([{ address: "10.1.2.3", family: 4 }]);
    expect(await resolver.lookup("six")).toEqual([{ address: "fe80::1", family: 6 }]);
    expect(await resolver.lookup("localhost")).toEqual([{ address: "127.0.0.1", family: 4 }]);
    expect(dns.queries).toEqual([]);
  });

  it("asks DNS, shares one query between concurrent lookups and caches answers briefly", async () => {
    dns = await startDnsServer({ "app.test": { addresses: ["127.0.0.9"], ttl: 600 } });
    let now = 1_000;
    const resolver = resolverFor(dns, { positiveTtlMs: 5000, now: () => now });
    const [a, b] = await Promise.all([resolver.lookup("app.test"), resolver.lookup("APP.test.")]);
    expect(a).toEqual([{ address: "127.0.0.9", family: 4 }]);
    expect(b).toEqual(a);
    expect(dns.queries).toEqual(["app.test A"]);
    now += 4_000;
    await resolver.lookup("app.test");
    expect(dns.queries).toHaveLength(1);
    now += 2_000;
    await resolver.lookup("app.test");
    expect(dns.queries).toEqual(["app.test A", "app.test A"]);
  });

  it("caches failures for the negative TTL and reports them like node's DNS errors", async () => {
    dns = await startDnsServer({});
    let now = 1_000;
    const resolver = resolverFor(dns, { negativeTtlMs: 1000, now: () => now });
    await expect(resolver.lookup("gone.test")).rejects.toMatchObject({ code: "ENOTFOUND", hostname: "gone.test" });
    await expect(resolver.lookup("gone.test")).rejects.toThrow("lookup gone.test: ENOTFOUND");
    expect(dns.queries).toEqual(["gone.test A"]);
    now += 1_500;
    await expect(resolver.lookup("gone.test")).rejects.toThrow("ENOTFOUND");
    expect(dns.queries).toHaveLength(2);
  });

  it("gives up on a server that does not answer, with ETIMEOUT", async () => {
    dns = await startDnsServer({ "slow.test": "hold" });
    const resolver = resolverFor(dns, { timeoutMs: 100, tries: 1 });
    await expect(resolver.lookup("slow.test")).rejects.toMatchObject({ code: "ETIMEOUT" });
  });

  it("serves net's lookup contract (single address, all addresses, family filter)", async () => {
    dns = await startDnsServer({ "app.test": { addresses: ["127.0.0.9", "127.0.0.10"] } });
    const resolver = resolverFor(dns);
    const single = await new Promise((resolve, reject) =>
      resolver.lookupFunction("app.test", {}, (error, address, family) =>
        error ? reject(error) : resolve([address, family]),
      ),
    );
    expect(single).toEqual(["127.0.0.9", 4]);
    const all = await new Promise((resolve, reject) =>
      resolver.lookupFunction("app.test", { all: true }, (error, addresses) =>
        error ? reject(error) : resolve(addresses),
      ),
    );
    expect(all).toEqual([
      { address: "127.0.0.9", family: 4 },
      { address: "127.0.0.10", family: 4 },
    ]);
    const v6 = await new Promise((resolve) =>
      resolver.lookupFunction("app.test", { family: 6 }, (error) => resolve((error as { code?: string }).code)),
    );
    expect(v6).toBe("ENOTFOUND");
  });

  it("a name whose server is slow does not hold up lookups of other names", async () => {
    dns = await startDnsServer({
      ...Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`dead-${i}.test`, "hold" as const])),
      "live.test": { addresses: ["127.0.0.1"] },
    });
    const resolver = resolverFor(dns);
    const order: string[] = [];
    const slow = Array.from({ length: 8 }, (_, i) =>
      recordOrder(order, `dead-${i}`, resolver.lookup(`dead-${i}.test`)),
    );
    await expect(resolver.lookup("live.test")).resolves.toEqual([{ address: "127.0.0.1", family: 4 }]);
    expect(order).toEqual([]);
    expect(dns.heldCount()).toBe(8);
    for (let i = 0; i < 8; i++) dns.release(`dead-${i}.test`, "nxdomain");
    await Promise.all(slow);
    expect(order).toHaveLength(8);
  });

  // getaddrinfo (dns.lookup) waits for a free thread of libuv's pool; this resolver must not. The pool is filled
  // with slow work first: a lookup through the resolver settles before any of it, the system lookup after.
  it("does not wait for libuv's thread pool (where dns.lookup queues)", async () => {
    dns = await startDnsServer({ "live.test": { addresses: ["127.0.0.1"] } });
    const resolver = resolverFor(dns);
    await resolver.lookup("127.0.0.1");
    const order: string[] = [];
    const poolSize = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
    const busy = Array.from({ length: poolSize }, (_, i) =>
      recordOrder(
        order,
        `pool-${i}`,
        new Promise((resolve, reject) =>
          pbkdf2("secret", "salt", 400_000, 64, "sha512", (error) => (error ? reject(error) : resolve(null))),
        ),
      ),
    );
    const system = recordOrder(
      order,
      "getaddrinfo",
      new Promise((resolve) => systemLookup("localhost", () => resolve(null))),
    );
    const ours = recordOrder(order, "resolver", resolver.lookup("live.test"));
    await Promise.all([...busy, system, ours]);
    expect(order[0]).toBe("resolver");
    const firstPoolJob = order.findIndex((label) => label.startsWith("pool-"));
    expect(order.indexOf("getaddrinfo")).toBeGreaterThan(firstPoolJob);
  });
});

describe("parseHosts", () => {
  it("reads addresses, aliases and comments; ignores malformed lines", () => {
    const hosts = parseHosts("127.0.0.1 localhost\nnot-an-ip name\n10.0.0.2 a b\n10.0.0.3 a\n");
    expect(hosts.get("a")).toEqual([
      { address: "10.0.0.2", family: 4 },
      { address: "10.0.0.3", family: 4 },
    ]);
    expect(hosts.get("b")).toEqual([{ address: "10.0.0.2", family: 4 }]);
    expect(hosts.has("name")).toBe(false);
  });
});
