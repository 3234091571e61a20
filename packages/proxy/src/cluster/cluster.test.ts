// Several workers (issue 12): the primary pushes every change to every worker, a deploy returns only after every
// worker switched and drained, and a killed worker is replaced and gets the table before it accepts connections.
// The workers run the compiled package (startProxy builds it first).
import { readFileSync } from "node:fs";
import http from "node:http";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createSilentLogger } from "../log/logger.js";
import { startClusterProxy } from "./cluster-proxy.js";
import { SERVING_V8_FLAGS } from "./primary.js";
import {
  type Backend,
  buildOnce,
  deployRequest,
  request,
  startBackend,
  startProxy,
  type TestProxy,
  tempDir,
} from "../../test/helpers.js";

const WORKERS = 3;

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()!();
});

async function cluster(config: Parameters<typeof startProxy>[0] = {}): Promise<TestProxy> {
  const p = await startProxy({ workers: WORKERS, ...config });
  cleanup.push(() => p.close());
  return p;
}

async function backend(name: string, handler?: Parameters<typeof startBackend>[1]): Promise<Backend> {
  const b = await startBackend(name, handler);
  cleanup.push(() => b.close());
  return b;
}

/** `count` requests, each on a new connection (cluster hands connections to the workers in turn). */
async function fresh(url: string, host: string, count: number): Promise<{ status: number; body: string }[]> {
  const out: { status: number; body: string }[] = [];
  for (let i = 0; i < count; i++) {
    const { status, body } = await request(url, { headers: { host } });
    out.push({ status, body });
  }
  return out;
}

describe("several workers", () => {
  it("serves from every worker, and a deploy returns only after every worker switched and drained", async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const upstreamPorts = new Set<number>();
    const a = await backend("A", (req, res) => {
      if (req.url === "/up") return void res.end("ok");
      upstreamPorts.add(req.socket.remotePort!);
      if (req.url === "/slow") return void held.then(() => res.end("A slow"));
      res.end("A");
    });
    const b = await backend("B");
    const p = await cluster();
    expect(p.cluster!.primary.workerPids).toHaveLength(WORKERS);
    // The workers run with the serving processes' V8 flags.
    for (const pid of p.cluster!.primary.workerPids) {
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      for (const flag of SERVING_V8_FLAGS) expect(argv).toContain(flag);
    }
    await p.server.router.deploy(deployRequest("app", [a.address], { options: { hosts: ["app.test"] } }));
    expect((await fresh(`${p.httpUrl}/`, "app.test", 2 * WORKERS)).map((r) => r.body)).toEqual(
      Array(2 * WORKERS).fill("A"),
    );
    // Every worker has its own keep-alive connection to A: as many client ports as workers.
    expect(upstreamPorts.size).toBe(WORKERS);

    // A slow request on A in every worker; the deploy of B must wait for all of them.
    const order: string[] = [];
    const slow = Array.from({ length: WORKERS }, () =>
      request(`${p.httpUrl}/slow`, { headers: { host: "app.test" } }).then((r) => {
        order.push("slow request done");
        return r.body;
      }),
    );
    while (a.requests.filter((r) => r.url === "/slow").length < WORKERS) await sleep(5);
    const deployed = p.server.router
      .deploy(deployRequest("app", [b.address], { options: { hosts: ["app.test"] }, drainTimeoutMs: 20_000 }))
      .then(() => order.push("deploy returned"));
    while ((await request(`${p.httpUrl}/`, { headers: { host: "app.test" } })).body !== "B /") await sleep(5);
    await sleep(100);
    expect(order).toEqual([]);
    release();
    expect(await Promise.all(slow)).toEqual(Array(WORKERS).fill("A slow"));
    await deployed;
    expect(order.at(-1)).toBe("deploy returned");
    expect((await fresh(`${p.httpUrl}/`, "app.test", 2 * WORKERS)).every((r) => r.body === `B /`)).toBe(true);
  });

  it("stop, resume, remove and rollout take effect in every worker before they return", async () => {
    const a = await backend("A");
    const c = await backend("C");
    const p = await cluster();
    const router = p.server.router;
    await router.deploy(deployRequest("app", [a.address], { options: { hosts: ["app.test"] } }));
    await router.stop("app", 1000, "back soon");
    const stopped = await fresh(`${p.httpUrl}/`, "app.test", 2 * WORKERS);
    expect(stopped.map((r) => r.status)).toEqual(Array(2 * WORKERS).fill(503));
    expect(stopped[0]!.body).toContain("back soon");
    await router.resume("app");
    expect((await fresh(`${p.httpUrl}/`, "app.test", 2 * WORKERS)).map((r) => r.status)).toEqual(
      Array(2 * WORKERS).fill(200),
    );
    await router.rolloutDeploy({
      service: "app",
      targets: [c.address],
      readers: [],
      deployment: { deployTimeoutMs: 2000, drainTimeoutMs: 1000, force: false },
    });
    await router.rolloutSet("app", 0, ["beta"]);
    for (let i = 0; i < 2 * WORKERS; i++) {
      const r = await request(`${p.httpUrl}/`, { headers: { host: "app.test", cookie: "kamal-rollout=beta" } });
      expect(r.body).toBe("C /");
    }
    await router.rolloutStop("app");
    for (let i = 0; i < 2 * WORKERS; i++) {
      const r = await request(`${p.httpUrl}/`, { headers: { host: "app.test", cookie: "kamal-rollout=beta" } });
      expect(r.body).toBe("A /");
    }
    await router.remove("app");
    expect((await fresh(`${p.httpUrl}/`, "app.test", 2 * WORKERS)).map((r) => r.status)).toEqual(
      Array(2 * WORKERS).fill(404),
    );
  });

  it("replaces a killed worker, which gets the route table before it accepts connections", async () => {
    const a = await backend("A");
    const b = await backend("B");
    const dir = tempDir();
    const p = await cluster({ stateDir: dir });
    const router = p.server.router;
    await router.deploy(deployRequest("one", [a.address], { options: { hosts: ["one.test"] } }));
    await router.deploy(deployRequest("two", [b.address], { options: { hosts: ["two.test"] } }));
    const before = p.cluster!.primary.workerPids;

    // Requests on new connections all through the replacement: none may find an empty table. (A connection the
    // killed worker held is lost with it; those count as failed connections, not as answers.)
    let polling = true;
    const seen: number[] = [];
    let lostConnections = 0;
    const poll = (async () => {
      while (polling) {
        const host = seen.length % 2 === 0 ? "one.test" : "two.test";
        try {
          seen.push((await requestWithin(`${p.httpUrl}/`, host, 2000)).status);
        } catch {
          lostConnections++;
        }
      }
    })();
    await sleep(50);
    process.kill(before[1]!, "SIGKILL");
    while (p.cluster!.primary.workerPids.includes(before[1]!) || p.cluster!.primary.workerPids.length < WORKERS) {
      await sleep(10);
    }
    await p.cluster!.primary.allListening();
    const after = p.cluster!.primary.workerPids;
    expect(after.filter((pid) => !before.includes(pid))).toHaveLength(1);
    await sleep(200);
    polling = false;
    await poll;
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((status) => status !== 200)).toEqual([]);
    expect(lostConnections).toBeLessThanOrEqual(1);
    expect((await fresh(`${p.httpUrl}/`, "one.test", 2 * WORKERS)).every((r) => r.body === "A /")).toBe(true);
    expect((await fresh(`${p.httpUrl}/`, "two.test", 2 * WORKERS)).every((r) => r.body === "B /")).toBe(true);
    const saved = JSON.parse(readFileSync(join(dir, "kamal-proxy.state"), "utf8")) as { name: string }[];
    expect(saved.map((entry) => entry.name)).toEqual(["one", "two"]);
    expect(p.logs.some((line) => line.includes("Worker exited; starting a new one"))).toBe(true);
  });

  it("fails to start, with the reason, when the workers cannot listen", async () => {
    const taken = http.createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    cleanup.push(() => new Promise<void>((resolve) => taken.close(() => resolve())));
    const port = (taken.address() as import("node:net").AddressInfo).port;
    await expect(startProxy({ workers: WORKERS, httpPort: port })).rejects.toThrow(/EADDRINUSE/);
  });

  it("accepts a deploy before the workers start; it returns once they listen, with its table", async () => {
    buildOnce();
    const a = await backend("A");
    let listeningWhenDeployed = -1;
    let deployed: Promise<void> | undefined;
    const proxy = await startClusterProxy(
      { logger: createSilentLogger(), workers: WORKERS, httpPort: 0, httpsPort: 0, bind: "127.0.0.1" },
      async (router, primary) => {
        deployed = router.deploy(deployRequest("app", [a.address], { options: { hosts: ["app.test"] } })).then(() => {
          listeningWhenDeployed = primary.listeningWorkers;
        });
        await new Promise((resolve) => setTimeout(resolve, 100));
      },
    );
    cleanup.push(() => proxy.stop());
    await deployed;
    expect(listeningWhenDeployed).toBe(WORKERS);
    const url = `http://127.0.0.1:${proxy.ports.http}/`;
    expect((await fresh(url, "app.test", 2 * WORKERS)).map((r) => r.body)).toEqual(Array(2 * WORKERS).fill("A /"));
  });

  it("adds up every worker's requests in the metrics", async () => {
    const a = await backend("A");
    const p = await cluster({ metricsPort: 0 });
    await p.server.router.deploy(deployRequest("app", [a.address]));
    await fresh(`${p.httpUrl}/`, "x.test", 3 * WORKERS);
    const metrics = await new Promise<string>((resolve, reject) => {
      http
        .get(`http://127.0.0.1:${p.server.ports.metrics}/metrics`, (res) => {
          let body = "";
          res.on("data", (chunk: Buffer) => {
            body += chunk.toString();
          });
          res.on("end", () => resolve(body));
        })
        .on("error", reject);
    });
    expect(metrics).toContain(
      `kamal_proxy_http_requests_total{method="GET",service="app",status="200"} ${3 * WORKERS}`,
    );
  });
});

function requestWithin(url: string, host: string, timeoutMs: number): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { host }, agent: false, signal: AbortSignal.timeout(timeoutMs) }, (res) => {
      res.resume();
      res.once("end", () => resolve({ status: res.statusCode ?? 0 }));
      res.once("error", reject);
    });
    req.once("error", reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
