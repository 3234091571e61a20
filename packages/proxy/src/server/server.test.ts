// In-process integration tests of the HTTP request path: real backends and a real proxy on loopback.
import { writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { join } from "node:path";
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
  TEST_WORKERS,
  tempDir,
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

/** A backend that answers with the request it saw, as JSON. */
function echo(name: string) {
  return backend(name, (req, res) => {
    if (req.url === "/up") return void res.end("ok");
    let body = "";
    req.on("data", (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on("end", () => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ name, url: req.url, headers: req.headers, body }));
    });
  });
}

describe("request headers sent to the target", () => {
  it("adds X-Forwarded-*, X-Request-ID/Start, X-Kamal-Target; keeps Host and the raw query; drops hop-by-hop", async () => {
    const b = await echo("b");
    const p = await proxy();
    await p.server.router.deploy(deployRequest("app", [b.address]));
    const res = await request(`${p.httpUrl}/path?a=1;b=%zz`, {
      headers: {
        host: "app.example.com",
        "x-forwarded-for": "1.2.3.4",
        "x-forwarded-proto": "https",
        connection: "keep-alive, x-secret",
        "x-secret": "hop",
        "proxy-authorization": "Basic x",
      },
    });
    const seen = JSON.parse(res.body);
    expect(seen.url).toBe("/path?a=1;b=%zz");
    expect(seen.headers.host).toBe("app.example.com");
    expect(seen.headers["x-forwarded-for"]).toBe("1.2.3.4, 127.0.0.1");
    expect(seen.headers["x-forwarded-proto"]).toBe("https");
    expect(seen.headers["x-forwarded-host"]).toBe("app.example.com");
    expect(seen.headers["x-kamal-target"]).toBe(b.address);
    expect(seen.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen.headers["x-request-start"]).toMatch(/^t=\d{13}$/);
    expect(seen.headers["x-secret"]).toBeUndefined();
    expect(seen.headers["proxy-authorization"]).toBeUndefined();
  });

  it("does not trust incoming X-Forwarded-* without --forward-headers", async () => {
    const b = await echo("b");
    const p = await proxy();
    await p.server.router.deploy(deployRequest("app", [b.address], { target: { forwardHeaders: false } }));
    const seen = JSON.parse(
      (await request(`${p.httpUrl}/`, { headers: { "x-forwarded-for": "6.6.6.6", "x-forwarded-proto": "https" } }))
        .body,
    );
    expect(seen.headers["x-forwarded-for"]).toBe("127.0.0.1");
    expect(seen.headers["x-forwarded-proto"]).toBe("http");
  });
});

describe("access log and metrics", () => {
  it("logs one Request line with kamal-proxy's fields and counts it in Prometheus", async () => {
    const b = await backend("b", (req, res) => {
      if (req.url === "/up") return void res.end();
      res.setHeader("content-type", "text/plain");
      res.setHeader("cache-control", "no-store");
      res.end("hello");
    });
    const p = await proxy({ metricsPort: 0 });
    await p.server.router.deploy(
      deployRequest("app", [b.address], {
        target: { logRequestHeaders: ["Cache-Control", "User-Agent"], logResponseHeaders: ["Cache-Control"] },
      }),
    );
    await request(`${p.httpUrl}/a/b?q=1`, {
      headers: { host: "h.example", "user-agent": "tester", "cache-control": "max-age=0", "x-request-id": "rid-1" },
    });
    await eventually(() => logLines(p.logs, "Request").length === 1);
    const line = logLines(p.logs, "Request")[0]!;
    expect(line).toMatchObject({
      level: "INFO",
      host: "h.example",
      port: p.server.ports.http,
      path: "/a/b",
      request_id: "rid-1",
      status: 200,
      service: "app",
      target: b.address,
      method: "GET",
      req_content_length: 0,
      req_content_type: "",
      resp_content_length: 5,
      resp_content_type: "text/plain",
      client_addr: "127.0.0.1",
      remote_addr: "127.0.0.1",
      user_agent: "tester",
      proto: "HTTP/1.1",
      scheme: "http",
      query: "q=1",
      req_cache_control: "max-age=0",
      req_user_agent: "tester",
      resp_cache_control: "no-store",
    });
    expect(Number.isInteger(line.duration)).toBe(true);
    expect(typeof line.client_port).toBe("number");
    const metrics = await request(`http://127.0.0.1:${p.server.ports.metrics}/metrics`);
    expect(metrics.body).toContain('kamal_proxy_http_requests_total{method="GET",service="app",status="200"} 1');
    expect(metrics.body).toContain('kamal_proxy_http_in_flight_requests{service="app"} 0');
  });

  it("logs 499 when the client goes away before the answer", async () => {
    const b = await backend("b", (req, res) => {
      if (req.url === "/up") return void res.end();
      setTimeout(() => res.end("late"), 300);
    });
    const p = await proxy();
    await p.server.router.deploy(deployRequest("app", [b.address]));
    const socket = net.connect(p.server.ports.http, "127.0.0.1");
    socket.write("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
    await eventually(() => b.requests.some((r) => r.url === "/slow"));
    socket.destroy();
    await eventually(() => logLines(p.logs, "Request").length === 1);
    expect(logLines(p.logs, "Request")[0]).toMatchObject({ status: 499, service: "app" });
  });

  it("leaves --exclude-metrics-path requests out of metrics but still logs them", async () => {
    const b = await backend("b");
    const p = await proxy({ metricsPort: 0 });
    await p.server.router.deploy(deployRequest("app", [b.address], { options: { excludeMetricsPaths: ["/skip"] } }));
    await request(`${p.httpUrl}/skip`);
    await eventually(() => logLines(p.logs, "Request").length === 1);
    const metrics = await request(`http://127.0.0.1:${p.server.ports.metrics}/metrics`);
    expect(metrics.body).not.toContain('service="app",status="200"');
  });
});

describe("routing", () => {
  it("routes by path prefix, strips it by default and keeps it with strip off", async () => {
    const root = await echo("root");
    const api = await echo("api");
    const raw = await echo("raw");
    const p = await proxy();
    await p.server.router.deploy(deployRequest("root", [root.address], { options: { hosts: ["a.com"] } }));
    await p.server.router.deploy(
      deployRequest("api", [api.address], { options: { hosts: ["a.com"], pathPrefixes: ["/api"] } }),
    );
    await p.server.router.deploy(
      deployRequest("raw", [raw.address], {
        options: { hosts: ["a.com"], pathPrefixes: ["raw/"], stripPrefix: false },
      }),
    );
    const get = async (path: string) =>
      JSON.parse((await request(`${p.httpUrl}${path}`, { headers: { host: "a.com" } })).body);
    expect(await get("/api/users?x=1")).toMatchObject({ name: "api", url: "/users?x=1" });
    expect(await get("/api")).toMatchObject({ name: "api", url: "/" });
    expect(await get("/apix")).toMatchObject({ name: "root", url: "/apix" });
    expect(await get("/raw/x")).toMatchObject({ name: "raw", url: "/raw/x" });
    expect((await request(`${p.httpUrl}/`, { headers: { host: "b.com" } })).status).toBe(404);
  });

  it("redirects to the canonical host", async () => {
    const b = await backend("b");
    const p = await proxy();
    await p.server.router.deploy(
      deployRequest("app", [b.address], { options: { hosts: ["a.com", "www.a.com"], canonicalHost: "a.com" } }),
    );
    const res = await request(`${p.httpUrl}/x?y=1`, { headers: { host: "www.a.com" } });
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe(`http://a.com:${p.server.ports.http}/x?y=1`);
    expect((await request(`${p.httpUrl}/x`, { headers: { host: "a.com" } })).status).toBe(200);
  });

  it("scopes Set-Cookie paths under the prefix with --scope-cookie-paths", async () => {
    const b = await backend("b", (req, res) => {
      if (req.url === "/up") return void res.end();
      res.setHeader("set-cookie", ["s=1; Path=/", "t=2; Path=/admin; HttpOnly", "u=3; Domain=other.com; Path=/"]);
      res.end();
    });
    const p = await proxy();
    await p.server.router.deploy(
      deployRequest("app", [b.address], { options: { pathPrefixes: ["/app"] }, target: { scopeCookiePaths: true } }),
    );
    const res = await request(`${p.httpUrl}/app/x`);
    expect(res.headers["set-cookie"]).toEqual([
      "s=1; Path=/app",
      "t=2; Path=/app/admin; HttpOnly",
      "u=3; Domain=other.com; Path=/",
    ]);
  });
});

describe("streaming", () => {
  it("streams large bodies both ways intact, with backpressure", async () => {
    const big = Buffer.alloc(5 * 1024 * 1024, "abcdefghij");
    const b = await backend("b", (req, res) => {
      if (req.url === "/up") return void res.end();
      if (req.method === "POST") {
        let length = 0;
        req.on("data", (chunk: Buffer) => {
          length += chunk.length;
        });
        req.on("end", () => res.end(String(length)));
        return;
      }
      res.end(big);
    });
    const p = await proxy();
    await p.server.router.deploy(deployRequest("app", [b.address]));
    const body = await new Promise<Buffer>((resolve) => {
      http.get(`${p.httpUrl}/big`, { agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => {
          chunks.push(chunk);
          res.pause();
          setImmediate(() => res.resume());
        });
        res.on("end", () => resolve(Buffer.concat(chunks)));
      });
    });
    expect(body.equals(big)).toBe(true);
    expect((await request(`${p.httpUrl}/upload`, { method: "POST", body: big })).body).toBe(String(big.length));
  });
});

describe("upstream failures", () => {
  it("answers 502 and logs when the target refuses connections", async () => {
    const b = await backend("b");
    const p = await proxy();
    await p.server.router.deploy(deployRequest("app", [b.address]));
    await b.close();
    const res = await request(`${p.httpUrl}/`);
    expect(res.status).toBe(502);
    expect(res.body).toContain("Bad Gateway");
    expect(logLines(p.logs, "Error while proxying")[0]).toMatchObject({ target: b.address, path: "/" });
  });

  it("answers 504 when the target is slower than --target-timeout to send headers", async () => {
    // undici's timers tick at about 1 s, so the 100 ms timeout fires within ~1 s; the target needs 3 s.
    const b = await backend("b", (req, res) => {
      if (req.url === "/up") return void res.end();
      setTimeout(() => res.end("late"), 3000);
    });
    const p = await proxy();
    await p.server.router.deploy(deployRequest("app", [b.address], { target: { responseTimeoutMs: 100 } }));
    expect((await request(`${p.httpUrl}/`)).status).toBe(504);
  });

  it("answers 503 when no target is healthy", async () => {
    let healthy = true;
    const b1 = await backend("b1", (req, res) => {
      res.statusCode = req.url === "/up" && !healthy ? 500 : 200;
      res.end("b1");
    });
    const b2 = await backend("b2", (req, res) => {
      res.statusCode = req.url === "/up" && !healthy ? 500 : 200;
      res.end("b2");
    });
    const p = await proxy();
    await p.server.router.deploy(deployRequest("app", [b1.address, b2.address]));
    healthy = false;
    await eventually(() => p.server.router.service("app")!.active.all.every((t) => t.state === "unhealthy"));
    const res = await request(`${p.httpUrl}/`);
    expect(res.status).toBe(503);
  });
});

describe("load balancing", () => {
  // Round-robin order is kept per process (each worker has its own, as each kamal-proxy has its own): one process.
  it("round-robins across writers, starting with the second, and drops unhealthy ones", async () => {
    let b1Healthy = true;
    const b1 = await backend("b1", (req, res) => {
      res.statusCode = req.url === "/up" && !b1Healthy ? 503 : 200;
      res.end("b1");
    });
    const b2 = await backend("b2", (_req, res) => res.end("b2"));
    const p = await proxy({ workers: 1 });
    await p.server.router.deploy(deployRequest("app", [b1.address, b2.address]));
    const bodies = [];
    for (let i = 0; i < 4; i++) bodies.push((await request(`${p.httpUrl}/`)).body);
    expect(bodies).toEqual(["b2", "b1", "b2", "b1"]);
    b1Healthy = false;
    await eventually(() => p.server.router.service("app")!.active.all[0]!.state === "unhealthy");
    for (let i = 0; i < 3; i++) expect((await request(`${p.httpUrl}/`)).body).toBe("b2");
    b1Healthy = true;
    await eventually(() => p.server.router.service("app")!.active.all[0]!.state === "healthy");
  });

  it("sends reads to readers, writes to writers with the kamal-writer cookie, and honours X-Writer-Affinity", async () => {
    const writer = await backend("writer", (req, res) => {
      if (req.url === "/no-affinity") res.setHeader("x-writer-affinity", "false");
      res.end("writer");
    });
    const reader = await backend("reader", (_req, res) => res.end("reader"));
    const p = await proxy();
    await p.server.router.deploy(
      deployRequest("app", [writer.address], {
        readers: [reader.address],
        options: { writerAffinityTimeoutMs: 60_000 },
      }),
    );
    expect((await request(`${p.httpUrl}/`)).body).toBe("reader");
    const write = await request(`${p.httpUrl}/`, { method: "POST", body: "x" });
    expect(write.body).toBe("writer");
    const cookie = (write.headers["set-cookie"] ?? [])[0]!;
    expect(cookie).toMatch(/^kamal-writer=\d+; Path=\/; Expires=.+; HttpOnly$/);
    expect((await request(`${p.httpUrl}/`, { headers: { cookie: cookie.split(";")[0]! } })).body).toBe("writer");
    const optOut = await request(`${p.httpUrl}/no-affinity`, { method: "POST" });
    expect(optOut.headers["set-cookie"]).toBeUndefined();
    expect(optOut.headers["x-writer-affinity"]).toBeUndefined();
  });

  it("splits rollout traffic by percentage of kamal-rollout cookie values", async () => {
    const active = await backend("active", (_req, res) => res.end("active"));
    const canary = await backend("canary", (_req, res) => res.end("canary"));
    const p = await proxy();
    const router = p.server.router;
    await router.deploy(deployRequest("app", [active.address]));
    await router.rolloutDeploy({
      service: "app",
      targets: [canary.address],
      readers: [],
      deployment: { deployTimeoutMs: 2000, drainTimeoutMs: 1000, force: false },
    });
    await router.rolloutSet("app", 100, []);
    expect((await request(`${p.httpUrl}/`, { headers: { cookie: "kamal-rollout=u1" } })).body).toBe("canary");
    expect((await request(`${p.httpUrl}/`)).body).toBe("active");
    await router.rolloutSet("app", 0, []);
    expect((await request(`${p.httpUrl}/`, { headers: { cookie: "kamal-rollout=u1" } })).body).toBe("active");
  });
});

describe("pause, stop, resume", () => {
  it("holds requests while paused and releases them on resume", async () => {
    const b = await backend("b");
    const p = await proxy();
    await p.server.router.deploy(deployRequest("app", [b.address]));
    await p.server.router.pause("app", 1000, 10_000);
    let answered = false;
    const held = request(`${p.httpUrl}/x`).then((res) => {
      answered = true;
      return res;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(answered).toBe(false);
    await p.server.router.resume("app");
    expect((await held).body).toBe("b /x");
  });

  it("answers 504 once --max-pause passes, and the health path 200 while paused or stopped", async () => {
    const b = await backend("b");
    const p = await proxy();
    await p.server.router.deploy(deployRequest("app", [b.address], { options: { pathPrefixes: ["/app"] } }));
    await p.server.router.pause("app", 1000, 50);
    expect((await request(`${p.httpUrl}/app/x`)).status).toBe(504);
    expect((await request(`${p.httpUrl}/app/up`)).status).toBe(200);
    await p.server.router.stop("app", 1000, "");
    expect((await request(`${p.httpUrl}/app/up`, { method: "HEAD" })).status).toBe(200);
    const stopped = await request(`${p.httpUrl}/app/x`);
    expect(stopped.status).toBe(503);
    expect(stopped.body).toContain("temporarily unavailable");
    expect(b.requests.filter((r) => r.url !== "/up")).toHaveLength(0);
  });

  it("releases held requests with 503 when stopped while paused, and keeps the state across a redeploy", async () => {
    const b = await backend("b");
    const b2 = await backend("b2");
    const p = await proxy();
    await p.server.router.deploy(deployRequest("app", [b.address]));
    await p.server.router.pause("app", 1000, 10_000);
    const held = request(`${p.httpUrl}/`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await p.server.router.stop("app", 1000, "gone fishing");
    expect((await held).body).toContain("gone fishing");
    await p.server.router.deploy(deployRequest("app", [b2.address]));
    expect((await request(`${p.httpUrl}/`)).status).toBe(503);
    await p.server.router.resume("app");
    expect((await request(`${p.httpUrl}/`)).body).toBe("b2 /");
  });

  it("renders --error-pages templates, including the stop message", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "503.html"), "<h1>Custom</h1>{{ if .Message }}<p>{{ .Message }}</p>{{ end }}");
    const b = await backend("b");
    const p = await proxy();
    await p.server.router.deploy(deployRequest("app", [b.address], { options: { errorPagePath: dir } }));
    await p.server.router.stop("app", 1000, "Upgrading");
    const res = await request(`${p.httpUrl}/`);
    expect(res.status).toBe(503);
    expect(res.body).toBe("<h1>Custom</h1><p>Upgrading</p>");
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
  });
});

describe("buffering", () => {
  it("buffers request bodies (spilling to disk) and sends them with a Content-Length", async () => {
    const b = await echo("b");
    const p = await proxy();
    await p.server.router.deploy(
      deployRequest("app", [b.address], { target: { bufferRequests: true, maxMemoryBufferSize: 16 } }),
    );
    const body = "x".repeat(5000);
    const seen = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const req = http.request(`${p.httpUrl}/upload`, { method: "POST", agent: false }, (res) => {
        let text = "";
        res.on("data", (c: Buffer) => {
          text += c.toString();
        });
        res.on("end", () => resolve(JSON.parse(text)));
      });
      req.on("error", reject);
      req.write(body.slice(0, 2500));
      setTimeout(() => req.end(body.slice(2500)), 20);
    });
    expect(seen.body).toBe(body);
    expect((seen.headers as Record<string, string>)["content-length"]).toBe("5000");
    expect((seen.headers as Record<string, string>)["transfer-encoding"]).toBeUndefined();
  });

  it("answers 413 for request bodies over --max-request-body", async () => {
    const b = await echo("b");
    const p = await proxy();
    await p.server.router.deploy(
      deployRequest("app", [b.address], { target: { bufferRequests: true, maxRequestBodySize: 10 } }),
    );
    const declared = await request(`${p.httpUrl}/`, { method: "POST", body: "01234567890" });
    expect(declared.status).toBe(413);
    expect(declared.body).toContain("Too Large");
    const chunked = await new Promise<number>((resolve) => {
      const req = http.request(`${p.httpUrl}/`, { method: "POST", agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.write("0123456789");
      req.end("0123456789");
    });
    expect(chunked).toBe(413);
    expect(b.requests.filter((r) => r.url !== "/up")).toHaveLength(0);
  });

  it("buffers responses and answers 500 when they exceed --max-response-body", async () => {
    const b = await backend("b", (req, res) => {
      if (req.url === "/up") return void res.end();
      res.write("a".repeat(100));
      setTimeout(() => res.end(req.url === "/big" ? "b".repeat(1000) : "end"), 10);
    });
    const p = await proxy();
    await p.server.router.deploy(
      deployRequest("app", [b.address], {
        target: { bufferResponses: true, maxMemoryBufferSize: 50, maxResponseBodySize: 500 },
      }),
    );
    const small = await request(`${p.httpUrl}/small`);
    expect(small.headers["content-length"]).toBe("103");
    expect(small.headers["transfer-encoding"]).toBeUndefined();
    expect(small.body).toBe(`${"a".repeat(100)}end`);
    expect((await request(`${p.httpUrl}/big`)).status).toBe(500);
  });

  it("streams server-sent events even with --buffer-responses", async () => {
    let finish: () => void = () => {};
    const b = await backend("b", (req, res) => {
      if (req.url === "/up") return void res.end();
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: one\n\n");
      finish = () => res.end("data: two\n\n");
    });
    const p = await proxy();
    await p.server.router.deploy(deployRequest("app", [b.address], { target: { bufferResponses: true } }));
    const first = await new Promise<string>((resolve) => {
      http.get(`${p.httpUrl}/events`, { agent: false }, (res) => {
        res.once("data", (chunk: Buffer) => resolve(chunk.toString()));
      });
    });
    expect(first).toBe("data: one\n\n");
    finish();
  });
});

describe("shutdown", () => {
  it("lets in-flight requests finish and closes idle keep-alive connections", async () => {
    let release: () => void = () => {};
    const b = await backend("b", (req, res) => {
      if (req.url === "/slow") {
        release = () => res.end("finished");
        return;
      }
      res.end("ok");
    });
    const p = await startProxy();
    await p.server.router.deploy(deployRequest("app", [b.address]));
    const agent = new http.Agent({ keepAlive: true });
    cleanup.push(async () => agent.destroy());
    expect((await request(`${p.httpUrl}/idle`, { agent })).body).toBe("ok");
    const slow = request(`${p.httpUrl}/slow`);
    await eventually(() => b.requests.some((r) => r.url === "/slow"));
    const stopped = p.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    expect((await slow).body).toBe("finished");
    await stopped;
    expect(logLines(p.logs, "Server stopped")).toHaveLength(TEST_WORKERS);
  });
});

describe("server protections", () => {
  it("closes connections that do not send headers within the header read timeout", async () => {
    const p = await proxy({ headerReadTimeoutMs: 200 });
    const socket = net.connect(p.server.ports.http, "127.0.0.1");
    socket.write("GET / HTTP/1.1\r\nHost: slow");
    const answer = await new Promise<string>((resolve) => {
      let data = "";
      socket.on("data", (c: Buffer) => {
        data += c.toString();
      });
      socket.on("close", () => resolve(data));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it("closes idle keep-alive connections after the idle timeout", async () => {
    const b = await backend("b");
    const p = await proxy({ idleTimeoutMs: 150 });
    await p.server.router.deploy(deployRequest("app", [b.address]));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    cleanup.push(async () => agent.destroy());
    const first = await new Promise<net.Socket>((resolve) => {
      http.get(`${p.httpUrl}/`, { agent }, (res) => {
        const socket = res.socket as net.Socket;
        res.resume();
        res.on("end", () => resolve(socket));
      });
    });
    await new Promise<void>((resolve) => first.once("close", () => resolve()));
    expect(first.destroyed).toBe(true);
  });

  it("keeps Content-Length for HEAD when buffering responses", async () => {
    const b = await backend("b", (req, res) => {
      res.setHeader("content-length", "11");
      res.end(req.method === "HEAD" ? undefined : "hello world");
    });
    const p = await proxy();
    await p.server.router.deploy(deployRequest("app", [b.address], { target: { bufferResponses: true } }));
    const head = await request(`${p.httpUrl}/`, { method: "HEAD" });
    expect(head.headers["content-length"]).toBe("11");
    expect((await request(`${p.httpUrl}/`)).body).toBe("hello world");
  });

  it("answers malformed requests with 400", async () => {
    const p = await proxy();
    const socket = net.connect(p.server.ports.http, "127.0.0.1");
    socket.write("BOGUS\r\n\r\n");
    const answer = await new Promise<string>((resolve) => {
      let data = "";
      socket.on("data", (c: Buffer) => {
        data += c.toString();
      });
      socket.on("close", () => resolve(data));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request/);
  });
});
