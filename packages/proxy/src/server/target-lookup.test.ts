// Issue 7 item 2: lookups of dead targets must not delay requests or health checks of live ones. A loopback DNS
// server holds the answers for eight dead names while the proxy serves, probes and deploys a live one.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startDnsServer, type TestDnsServer } from "../../test/dns-server.js";
import {
  type Backend,
  deployRequest,
  request,
  startBackend,
  startProxy,
  type TestProxy,
  tempDir,
} from "../../test/helpers.js";
import { TargetResolver } from "../dns/resolver.js";

let proxy: TestProxy | undefined;
let backend: Backend | undefined;
let dns: TestDnsServer | undefined;
afterEach(async () => {
  await proxy?.close();
  await backend?.close();
  await dns?.close();
  proxy = backend = dns = undefined;
});

const DEAD = Array.from({ length: 8 }, (_, i) => `dead-${i}.test`);

describe("target name lookups", () => {
  it("a deploy and requests to a live target complete while lookups of dead targets hang", async () => {
    backend = await startBackend("live");
    dns = await startDnsServer({
      ...Object.fromEntries(DEAD.map((name) => [name, "hold" as const])),
      "live.test": { addresses: ["127.0.0.1"] },
    });
    const resolver = new TargetResolver({ servers: [dns.address], hostsPath: "", timeoutMs: 30_000, tries: 1 });
    // Four services restored from the state file route requests to dead names (restored targets count as healthy)…
    const restored = DEAD.slice(0, 4).map((name, i) => ({
      name: `old-${i}`,
      options: { hosts: [`old-${i}.example`] },
      active_targets: [`${name}:${backend!.port}`],
    }));
    const stateDir = tempDir();
    writeFileSync(join(stateDir, "kamal-proxy.state"), JSON.stringify(restored));
    proxy = await startProxy({ resolver, stateDir });
    const settled: string[] = [];
    const stuck = restored.map((entry) =>
      request(`${proxy!.httpUrl}/`, { headers: { host: entry.options.hosts[0]! } }).then((response) => {
        settled.push(entry.name);
        return response.status;
      }),
    );
    // …and four more are being deployed (forced) with health checks on the other dead names.
    for (const [i, name] of DEAD.slice(4).entries()) {
      await proxy.server.router.deploy(
        deployRequest(`new-${i}`, [`${name}:${backend.port}`], {
          options: { hosts: [`new-${i}.example`] },
          force: true,
        }),
      );
    }
    await waitFor(() => dns!.heldCount() >= 8);

    await proxy.server.router.deploy(
      deployRequest("live", [`live.test:${backend.port}`], { options: { hosts: ["live.example"] } }),
    );
    const live = await request(`${proxy.httpUrl}/hello`, { headers: { host: "live.example" } });
    expect(live.status).toBe(200);
    expect(live.body).toBe("live /hello");
    expect(settled).toEqual([]);

    for (const name of DEAD) dns.release(name, { addresses: ["127.0.0.1"] });
    expect(await Promise.all(stuck)).toEqual([200, 200, 200, 200]);
  });

  it("a target that does not resolve fails its deploy with the lookup error", async () => {
    dns = await startDnsServer({});
    const resolver = new TargetResolver({ servers: [dns.address], hostsPath: "" });
    proxy = await startProxy({ resolver });
    await expect(
      proxy.server.router.deploy(deployRequest("gone", ["gone.test:80"], { deployTimeoutMs: 300 })),
    ).rejects.toThrow("lookup gone.test: ENOTFOUND");
  });
});

async function waitFor(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
}
