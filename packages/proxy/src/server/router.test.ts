import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  type Backend,
  deployRequest,
  eventually,
  logLines,
  request,
  startBackend,
  startProxy,
  type TestProxy,
} from "../../test/helpers.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()!();
});

async function backend(name: string, handler?: Parameters<typeof startBackend>[1]): Promise<Backend> {
  const b = await startBackend(name, handler);
  cleanup.push(() => b.close());
  return b;
}

async function proxy(config: Parameters<typeof startProxy>[0] = {}): Promise<TestProxy> {
  const p = await startProxy(config);
  cleanup.push(() => p.close());
  return p;
}

describe("Router deploy", () => {
  it("deploys a service and proxies to it", async () => {
    const a = await backend("a");
    const p = await proxy();
    await p.server.router.deploy(deployRequest("app", [a.address]));
    const res = await request(`${p.httpUrl}/hello?x=1;y`);
    expect(res.status).toBe(200);
    expect(res.body).toBe("a /hello?x=1;y");
    expect(logLines(p.logs, "Deployed")).toHaveLength(1);
  });

  it("answers 404 when no service matches", async () => {
    const p = await proxy();
    const res = await request(`${p.httpUrl}/`);
    expect(res.status).toBe(404);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.body).toContain("404");
  });

  it("health-checks with the kamal-proxy User-Agent and an immediate first probe", async () => {
    const a = await backend("a");
    const p = await proxy();
    // With a one-minute interval, the deploy can only succeed inside its 2 s timeout if the first probe is immediate.
    await p.server.router.deploy(
      deployRequest("app", [a.address], {
        target: { healthCheck: { path: "/up", port: 0, intervalMs: 60_000, timeoutMs: 1000, host: "probe.example" } },
      }),
    );
    const probe = a.requests.find((r) => r.url === "/up")!;
    expect(probe.headers["user-agent"]).toBe("kamal-proxy");
    expect(probe.headers.host).toBe("probe.example");
  });

  it("probes --health-check-port instead of the target port when set", async () => {
    const app = await backend("app", (req, res) => {
      res.statusCode = req.url === "/up" ? 500 : 200;
      res.end("app");
    });
    const health = await backend("health");
    const p = await proxy();
    await p.server.router.deploy(
      deployRequest(`app`, [app.address], {
        target: { healthCheck: { path: "/up", port: health.port, intervalMs: 50, timeoutMs: 1000, host: "" } },
      }),
    );
    expect(health.requests.map((r) => r.url)).toContain("/up");
    expect((await request(`${p.httpUrl}/`)).body).toBe("app");
  });

  it("fails a deploy that never becomes healthy, says why, and changes nothing", async () => {
    const a = await backend("a");
    const bad = await backend("bad", (req, res) => {
      if (req.url === "/up") {
        res.writeHead(301, { location: "https://example.invalid/up" });
        res.end();
        return;
      }
      res.end("bad");
    });
    const p = await proxy();
    await p.server.router.deploy(deployRequest("app", [a.address]));
    await expect(p.server.router.deploy(deployRequest("app", [bad.address], { deployTimeoutMs: 300 }))).rejects.toThrow(
      /target failed to become healthy within configured timeout \(300ms\): last health check 127\.0\.0\.1:\d+: GET http:\/\/127\.0\.0\.1:\d+\/up \(redirected to https:\/\/example\.invalid\/up\)/,
    );
    expect((await request(`${p.httpUrl}/`)).body).toBe("a /");
  });

  it("reports a non-2xx status as the failure reason", async () => {
    const sick = await backend("sick", (_req, res) => {
      res.statusCode = 503;
      res.end();
    });
    const p = await proxy();
    await expect(
      p.server.router.deploy(deployRequest("app", [sick.address], { deployTimeoutMs: 200 })),
    ).rejects.toThrow(/: status 503$/);
    expect(p.server.router.list().services).toEqual([]);
  });

  it("checks host/path conflicts before waiting for health", async () => {
    const a = await backend("a");
    const p = await proxy();
    await p.server.router.deploy(deployRequest("one", [a.address], { options: { hosts: ["a.com"] } }));
    // The new target never becomes healthy: a check after the wait would report the health failure instead.
    await expect(
      p.server.router.deploy(
        deployRequest("two", ["127.0.0.1:1"], { options: { hosts: ["a.com"] }, deployTimeoutMs: 300 }),
      ),
    ).rejects.toThrow("host settings conflict with another service (already used by service one)");
  });

  it("rejects invalid targets and option combinations", async () => {
    const p = await proxy();
    await expect(p.server.router.deploy(deployRequest("app", ["http://x:80"]))).rejects.toThrow(
      "http://x:80 :invalid host pattern",
    );
    await expect(
      p.server.router.deploy(
        deployRequest("app", ["xx:80"], { options: { tlsEnabled: true, pathPrefixes: ["/api"], hosts: ["a.com"] } }),
      ),
    ).rejects.toThrow("TLS settings must be specified on the root path service");
    await expect(
      p.server.router.deploy(
        deployRequest("app", ["xx:80"], { options: { hosts: ["a.com"], canonicalHost: "b.com" } }),
      ),
    ).rejects.toThrow("canonical-host 'b.com' must be present in the hosts list: [a.com]");
    await expect(
      p.server.router.deploy(deployRequest("app", ["xx:80"], { options: { tlsEnabled: true, hosts: ["*.a.com"] } })),
    ).rejects.toThrow("automatic TLS does not support wildcards");
  });

  it("with --force installs at once and serves 503 until the target is healthy", async () => {
    let healthy = false;
    const a = await backend("a", (req, res) => {
      if (req.url === "/up") res.statusCode = healthy ? 200 : 503;
      res.end("a");
    });
    const p = await proxy();
    await p.server.router.deploy(deployRequest("app", [a.address], { force: true }));
    expect((await request(`${p.httpUrl}/`)).status).toBe(503);
    healthy = true;
    await eventually(() => p.server.router.service("app")?.active.allHealthy === true);
    expect((await request(`${p.httpUrl}/`)).status).toBe(200);
  });

  it("swaps to the new target and drains in-flight requests on the old one before returning", async () => {
    let release: () => void = () => {};
    const a = await backend("a", (req, res) => {
      if (req.url === "/slow") {
        release = () => res.end("a slow");
        return;
      }
      res.end("a");
    });
    const b = await backend("b");
    const p = await proxy();
    await p.server.router.deploy(deployRequest("app", [a.address]));
    const slow = request(`${p.httpUrl}/slow`);
    await eventually(() => a.requests.some((r) => r.url === "/slow"));
    let deployed = false;
    const deploy = p.server.router.deploy(deployRequest("app", [b.address], { drainTimeoutMs: 5000 })).then(() => {
      deployed = true;
    });
    await eventually(() => b.requests.some((r) => r.url === "/up"));
    // The switch (with several workers, every worker's) happens before the drain: B answers while A drains.
    while ((await request(`${p.httpUrl}/`)).body !== "b /") await new Promise((resolve) => setTimeout(resolve, 5));
    expect(deployed).toBe(false);
    release();
    expect((await slow).body).toBe("a slow");
    await deploy;
    expect(deployed).toBe(true);
  });

  it("cancels requests still running at the drain deadline with 504", async () => {
    const a = await backend("a", (req, res) => {
      if (req.url === "/hang") return;
      res.end("a");
    });
    const b = await backend("b");
    const p = await proxy();
    await p.server.router.deploy(deployRequest("app", [a.address]));
    const hanging = request(`${p.httpUrl}/hang`);
    await eventually(() => a.requests.some((r) => r.url === "/hang"));
    await p.server.router.deploy(deployRequest("app", [b.address], { drainTimeoutMs: 100 }));
    const res = await hanging;
    expect(res.status).toBe(504);
    expect(logLines(p.logs, "Request cancelled due to draining")).toHaveLength(1);
  });

  it("answers 504 to a request still sending its body when the drain deadline passes", async () => {
    const a = await backend("a");
    const b = await backend("b");
    // It watches the in-flight count of the serving process: one process.
    const p = await proxy({ workers: 1 });
    await p.server.router.deploy(deployRequest("app", [a.address]));
    const socket = net.connect(p.server.ports.http, "127.0.0.1");
    const answer = new Promise<string>((resolve) => {
      let data = "";
      socket.on("data", (chunk: Buffer) => {
        data += chunk.toString();
        if (data.includes("\r\n\r\n")) resolve(data);
      });
    });
    socket.write("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n12345");
    await eventually(() => p.server.router.service("app")!.active.all[0]!.inflightCount === 1);
    await p.server.router.deploy(deployRequest("app", [b.address], { drainTimeoutMs: 50 }));
    expect(await answer).toMatch(/^HTTP\/1\.1 504/);
    socket.destroy();
  });

  it("removes a service", async () => {
    const a = await backend("a");
    const p = await proxy();
    await p.server.router.deploy(deployRequest("app", [a.address]));
    await p.server.router.remove("app");
    expect((await request(`${p.httpUrl}/`)).status).toBe(404);
    expect(() => p.server.router.remove("app")).toThrow("service not found");
  });
});
