// HTTPS: custom certificates chosen by SNI, HTTP/2 via ALPN, redirects and TLS inheritance.
import http2 from "node:http2";
import https from "node:https";
import tls from "node:tls";
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import {
  type Backend,
  deployRequest,
  request,
  selfSignedCertificate,
  startBackend,
  startProxy,
  type TestProxy,
  tempDir,
} from "../../test/helpers.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()!();
});

async function backend(name: string): Promise<Backend> {
  const b = await startBackend(name, (req, res) => {
    if (req.url === "/up") return void res.end();
    res.setHeader("content-type", "text/plain");
    res.end(`${name} ${req.url} ${req.headers["x-forwarded-proto"]}`);
  });
  cleanup.push(() => b.close());
  return b;
}

async function proxy(): Promise<TestProxy> {
  const p = await startProxy();
  cleanup.push(() => p.close());
  return p;
}

function httpsGet(
  port: number,
  host: string,
  path: string,
  ca: Buffer,
): Promise<{ status: number; body: string; alpn: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: "127.0.0.1",
        port,
        path,
        servername: host,
        headers: { host },
        ca,
        agent: false,
        ...({ ALPNProtocols: ["http/1.1"] } as object),
      },
      (res) => {
        let body = "";
        res.on("data", (c: Buffer) => {
          body += c.toString();
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body, alpn: (res.socket as tls.TLSSocket).alpnProtocol || "" }),
        );
      },
    );
    req.on("error", reject);
    req.end();
  });
}

function peerCertificateFor(port: number, servername: string | undefined): Promise<tls.PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect(
      { host: "127.0.0.1", port, ...(servername ? { servername } : {}), rejectUnauthorized: false },
      () => {
        const cert = socket.getPeerCertificate();
        socket.end();
        resolve(cert);
      },
    );
    socket.on("error", reject);
  });
}

describe("TLS", () => {
  it("serves custom certificates chosen by SNI, and HTTP/1.1 over TLS", async () => {
    const dir = tempDir();
    const certA = selfSignedCertificate(dir, ["a.test"], "a");
    const certB = selfSignedCertificate(dir, ["b.test"], "b");
    const a = await backend("a");
    const b = await backend("b");
    const p = await proxy();
    const tlsOpts = (c: { cert: string; key: string }, host: string) => ({
      options: { hosts: [host], tlsEnabled: true, tlsCertificatePath: c.cert, tlsPrivateKeyPath: c.key },
    });
    await p.server.router.deploy(deployRequest("a", [a.address], tlsOpts(certA, "a.test")));
    await p.server.router.deploy(deployRequest("b", [b.address], tlsOpts(certB, "b.test")));
    expect((await peerCertificateFor(p.httpsPort, "a.test")).subject.CN).toBe("a.test");
    expect((await peerCertificateFor(p.httpsPort, "b.test")).subject.CN).toBe("b.test");
    // No SNI: a deterministic default, the first TLS service by name.
    expect((await peerCertificateFor(p.httpsPort, undefined)).subject.CN).toBe("a.test");
    const res = await httpsGet(p.httpsPort, "b.test", "/x", readFileSync(certB.cert));
    expect(res).toMatchObject({ status: 200, body: "b /x https", alpn: "http/1.1" });
    await expect(peerCertificateFor(p.httpsPort, "unknown.test")).rejects.toThrow();
  });

  it("speaks HTTP/2 via ALPN", async () => {
    const dir = tempDir();
    const cert = selfSignedCertificate(dir, ["h2.test"]);
    const a = await backend("a");
    const p = await proxy();
    await p.server.router.deploy(
      deployRequest("a", [a.address], {
        options: { hosts: ["h2.test"], tlsEnabled: true, tlsCertificatePath: cert.cert, tlsPrivateKeyPath: cert.key },
      }),
    );
    const session = http2.connect(`https://127.0.0.1:${p.httpsPort}`, {
      servername: "h2.test",
      ca: readFileSync(cert.cert),
    });
    cleanup.push(async () => void session.close());
    const get = (path: string) =>
      new Promise<{ status: number; body: string; headers: http2.IncomingHttpHeaders }>((resolve, reject) => {
        const stream = session.request({ ":path": path, ":authority": "h2.test" });
        let body = "";
        let headers: http2.IncomingHttpHeaders = {};
        stream.on("response", (h) => {
          headers = h;
        });
        stream.on("data", (c: Buffer) => {
          body += c.toString();
        });
        stream.on("end", () => resolve({ status: Number(headers[":status"]), body, headers }));
        stream.on("error", reject);
        stream.end();
      });
    const [one, two] = await Promise.all([get("/one"), get("/two?q=1")]);
    expect(one).toMatchObject({ status: 200, body: "a /one https" });
    expect(two.body).toBe("a /two?q=1 https");
    expect(one.headers["content-type"]).toBe("text/plain");
    expect(one.headers.connection).toBeUndefined();
    const post = await new Promise<string>((resolve) => {
      const stream = session.request({ ":path": "/post", ":method": "POST", ":authority": "h2.test" });
      let body = "";
      stream.on("data", (c: Buffer) => {
        body += c.toString();
      });
      stream.on("end", () => resolve(body));
      stream.end("payload");
    });
    expect(post).toBe("a /post https");
  });

  it("redirects HTTP to HTTPS, serves plain HTTP with --tls-redirect=false, and refuses TLS for non-TLS services", async () => {
    const dir = tempDir();
    const cert = selfSignedCertificate(dir, ["r.test", "plain.test"]);
    const a = await backend("a");
    const b = await backend("b");
    const p = await proxy();
    const tlsOptions = { tlsEnabled: true, tlsCertificatePath: cert.cert, tlsPrivateKeyPath: cert.key };
    await p.server.router.deploy(deployRequest("r", [a.address], { options: { hosts: ["r.test"], ...tlsOptions } }));
    await p.server.router.deploy(
      deployRequest("nr", [b.address], { options: { hosts: ["nr.test"], ...tlsOptions, tlsRedirect: false } }),
    );
    const redirected = await request(`${p.httpUrl}/a?b=1`, { headers: { host: "r.test" } });
    expect(redirected.status).toBe(301);
    expect(redirected.headers.location).toBe(`https://r.test:${p.httpsPort}/a?b=1`);
    expect(redirected.headers.connection).toBe("close");
    expect((await request(`${p.httpUrl}/a`, { headers: { host: "nr.test" } })).body).toBe("b /a http");

    const plainBackend = await backend("plain");
    await p.server.router.deploy(
      deployRequest("plain", [plainBackend.address], { options: { hosts: ["plain.test"] } }),
    );
    // plain.test has no TLS service at "/", so the handshake has no certificate to offer.
    await expect(peerCertificateFor(p.httpsPort, "plain.test")).rejects.toThrow();
  });

  it("lets non-root services inherit TLS from the root service of their host", async () => {
    const dir = tempDir();
    const cert = selfSignedCertificate(dir, ["i.test"]);
    const root = await backend("root");
    const api = await backend("api");
    const p = await proxy();
    await p.server.router.deploy(
      deployRequest("root", [root.address], {
        options: { hosts: ["i.test"], tlsEnabled: true, tlsCertificatePath: cert.cert, tlsPrivateKeyPath: cert.key },
      }),
    );
    await p.server.router.deploy(
      deployRequest("api", [api.address], { options: { hosts: ["i.test"], pathPrefixes: ["/api"] } }),
    );
    expect(p.server.router.service("api")!.tlsEnabled).toBe(true);
    expect((await request(`${p.httpUrl}/api/x`, { headers: { host: "i.test" } })).status).toBe(301);
    const res = await httpsGet(p.httpsPort, "i.test", "/api/x", readFileSync(cert.cert));
    expect(res).toMatchObject({ status: 200, body: "api /x https" });
  });

  it("serves a catch-all TLS service (no --host) with a custom certificate, as v0.9.2 allows", async () => {
    const dir = tempDir();
    const cert = selfSignedCertificate(dir, ["any.test"]);
    const a = await backend("a");
    const p = await proxy();
    await p.server.router.deploy(
      deployRequest("all", [a.address], {
        options: { tlsEnabled: true, tlsCertificatePath: cert.cert, tlsPrivateKeyPath: cert.key },
      }),
    );
    expect((await peerCertificateFor(p.httpsPort, "whatever.example")).subject.CN).toBe("any.test");
    expect((await peerCertificateFor(p.httpsPort, undefined)).subject.CN).toBe("any.test");
  });

  it("fails a deploy whose certificate cannot be loaded, before health checks", async () => {
    const p = await proxy();
    await expect(
      p.server.router.deploy(
        deployRequest("x", ["127.0.0.1:1"], {
          options: {
            hosts: ["x.test"],
            tlsEnabled: true,
            tlsCertificatePath: "/nope.pem",
            tlsPrivateKeyPath: "/nope-key.pem",
          },
        }),
      ),
    ).rejects.toThrow(/unable to load TLS certificate/);
  });
});
