// Zero-downtime deploy under constant load: target B replaces target A while keep-alive clients hammer the proxy.
import http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { deployRequest, startBackend, startProxy, TEST_WORKERS } from "../../test/helpers.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()!();
});

interface Sample {
  start: number;
  end: number;
  status: number;
  body: string;
}

// One process, and several workers (they run the compiled package, which startProxy builds first).
const SHAPES = [...new Set([TEST_WORKERS, 3])];

describe.each(SHAPES)("zero-downtime deploy with %i worker(s)", (proxyWorkers) => {
  it("loses no request while B replaces A under load, and everything after the switch comes from B", async () => {
    const REQUIRED_DURING_SWAP = 5000;
    const CONCURRENCY = 16;
    const samples: Sample[] = [];
    let completedSinceDeploy = 0;
    let deploying = false;
    let deployStart = Number.POSITIVE_INFINITY;

    const a = await startBackend("A", (req, res) => {
      if (req.url === "/up") return void res.end("ok");
      // Some requests are slow so that the swap happens with requests in flight on A.
      if (req.url?.startsWith("/slow")) return void setTimeout(() => res.end("A"), 30);
      res.end("A");
    });
    const b = await startBackend("B", (req, res) => {
      if (req.url === "/up") {
        // B only turns healthy once enough traffic has flowed during the deploy.
        res.statusCode = completedSinceDeploy >= REQUIRED_DURING_SWAP ? 200 : 503;
        return void res.end();
      }
      if (req.url?.startsWith("/slow")) return void setTimeout(() => res.end("B"), 30);
      res.end("B");
    });
    const proxy = await startProxy({ workers: proxyWorkers });
    cleanup.push(
      () => a.close(),
      () => b.close(),
      () => proxy.close(),
    );
    const router = proxy.server.router;
    await router.deploy(deployRequest("app", [a.address]));

    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    cleanup.push(async () => agent.destroy());
    let running = true;
    let errors = 0;
    const worker = async (id: number) => {
      for (let n = 0; running; n++) {
        const path = n % 25 === 0 ? `/slow?w=${id}` : `/?w=${id}`;
        const start = performance.now();
        try {
          const { status, body } = await get(agent, `${proxy.httpUrl}${path}`);
          samples.push({ start, end: performance.now(), status, body });
          if (deploying && start >= deployStart) completedSinceDeploy++;
        } catch {
          errors++;
        }
      }
    };
    const workers = Array.from({ length: CONCURRENCY }, (_, i) => worker(i));

    while (samples.length < 500) await sleep(5);
    deployStart = performance.now();
    deploying = true;
    await router.deploy(
      deployRequest("app", [b.address], {
        deployTimeoutMs: 60_000,
        drainTimeoutMs: 10_000,
        target: { healthCheck: { path: "/up", port: 0, intervalMs: 10, timeoutMs: 1000, host: "" } },
      }),
    );
    const deployEnd = performance.now();
    const afterDeploy = samples.length;
    while (samples.length < afterDeploy + 1500) await sleep(5);
    running = false;
    await Promise.all(workers);

    expect(errors).toBe(0);
    expect(samples.filter((s) => s.status !== 200)).toEqual([]);
    const duringSwap = samples.filter((s) => s.start >= deployStart && s.end <= deployEnd);
    expect(duringSwap.length).toBeGreaterThanOrEqual(REQUIRED_DURING_SWAP);
    expect(duringSwap.some((s) => s.body === "A")).toBe(true);
    const firstB = Math.min(...samples.filter((s) => s.body === "B").map((s) => s.end));
    const afterSwitch = samples.filter((s) => s.start > firstB);
    expect(afterSwitch.length).toBeGreaterThanOrEqual(1000);
    expect(afterSwitch.filter((s) => s.body !== "B")).toEqual([]);
    expect(samples.filter((s) => s.start > deployEnd).every((s) => s.body === "B")).toBe(true);
  }, 60_000);
});

function get(agent: http.Agent, url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          body += chunk;
        });
        res.once("end", () => resolve({ status: res.statusCode ?? 0, body }));
        res.once("error", reject);
      })
      .once("error", reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
