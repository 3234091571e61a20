// ACME against a real local CA (Pebble, from Debian): HTTP-01 and TLS-ALPN-01 issuance on the first handshake, the
// autocert-layout cache, and reuse of cached certificates after a restart.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import tls from "node:tls";
import { afterEach, describe, expect, it } from "vitest";
import {
  deployRequest,
  logLines,
  request,
  startBackend,
  startProxy,
  TEST_WORKERS,
  tempDir,
} from "../../test/helpers.js";
import { pebbleAvailable, startPebble } from "../../test/pebble.js";
import type { ChallengeType } from "./acme-manager.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()!();
});

function handshake(port: number, servername: string): Promise<tls.PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: "127.0.0.1", port, servername, rejectUnauthorized: false }, () => {
      const cert = socket.getPeerCertificate();
      socket.end();
      resolve(cert);
    });
    socket.on("error", reject);
  });
}

async function issueWith(
  workers: number,
  challenge: ChallengeType,
  options: Record<string, unknown> = { hosts: ["app.test"] },
) {
  const cachePath = tempDir("acme-cache-");
  const backend = await startBackend("web", (req, res) => {
    if (req.url?.startsWith("/allow")) res.statusCode = req.url.includes("host=ok.test") ? 200 : 403;
    res.end("web");
  });
  cleanup.push(() => backend.close());
  // The proxy needs its ports before Pebble can be told where to validate, so the agent is attached after start.
  const settings: { challenges: ChallengeType[]; acmeHttpsAgent?: import("node:https").Agent } = {
    challenges: [challenge],
  };
  const proxy = await startProxy({ tls: settings, workers });
  cleanup.push(() => proxy.close());
  const pebble = await startPebble({ httpPort: proxy.server.ports.http, tlsPort: proxy.server.ports.https });
  cleanup.push(() => pebble.close());
  settings.acmeHttpsAgent = pebble.agent;
  await proxy.server.router.deploy(
    deployRequest("app", [backend.address], {
      options: { ...options, tlsEnabled: true, acmeCachePath: cachePath, acmeDirectory: pebble.directoryUrl },
    }),
  );
  return { proxy, pebble, cachePath, backend };
}

// One process, and several workers: the primary issues; certificates, HTTP-01 tokens and TLS-ALPN-01 challenges
// reach the worker that Pebble's validation connects to.
const SHAPES = [...new Set([TEST_WORKERS, 3])];

describe.skipIf(!pebbleAvailable()).each(SHAPES)("ACME with Pebble, %i worker(s)", (workers) => {
  it("issues a certificate via TLS-ALPN-01 on the first handshake", async () => {
    const { proxy } = await issueWith(workers, "tls-alpn-01");
    const cert = await handshake(proxy.server.ports.https, "app.test");
    expect(cert.issuer.CN).toMatch(/Pebble/);
    expect(logLines(proxy.logs, "Certificate obtained")[0]).toMatchObject({
      host: "app.test",
      challenge: "tls-alpn-01",
    });
  }, 30_000);

  it("issues via HTTP-01, caches in autocert's layout, and reuses the cache after a restart", async () => {
    const challenge = "http-01";
    const { proxy, pebble, cachePath, backend } = await issueWith(workers, challenge);
    const cert = await handshake(proxy.server.ports.https, "app.test");
    expect(cert.issuer.CN).toMatch(/Pebble/);
    expect(cert.subjectaltname).toBe("DNS:app.test");
    expect(logLines(proxy.logs, "Certificate obtained")[0]).toMatchObject({ host: "app.test", challenge });
    const scoped = join(cachePath, createHash("sha256").update(pebble.directoryUrl).digest("hex"));
    const stored = readFileSync(join(scoped, "app.test"), "utf8");
    expect(stored).toMatch(/^-----BEGIN EC PRIVATE KEY-----[\s\S]+-----BEGIN CERTIFICATE-----/);
    expect(existsSync(join(scoped, "acme_account+key"))).toBe(true);
    // Names outside the host list get nothing.
    await expect(handshake(proxy.server.ports.https, "other.test")).rejects.toThrow();

    const first = cert;
    const directoryUrl = pebble.directoryUrl;
    await pebble.close();
    await proxy.close();
    const again = await startProxy({ tls: { challenges: ["http-01"] }, workers });
    cleanup.push(() => again.close());
    await again.server.router.deploy(
      deployRequest("app", [backend.address], {
        options: { hosts: ["app.test"], tlsEnabled: true, acmeCachePath: cachePath, acmeDirectory: directoryUrl },
      }),
    );
    const second = await handshake(again.server.ports.https, "app.test");
    expect(second.fingerprint256).toBe(first.fingerprint256);
    expect(logLines(again.logs, "Requesting certificate")).toEqual([]);
    // Plain HTTP is redirected, and HTTP-01 tokens are answered 404 when none is pending.
    expect((await request(`${again.httpUrl}/`, { headers: { host: "app.test" } })).status).toBe(301);
    expect(
      (await request(`${again.httpUrl}/.well-known/acme-challenge/x`, { headers: { host: "app.test" } })).status,
    ).toBe(404);
  }, 30_000);

  it("issues on demand only for hosts the --tls-on-demand-url allows", async () => {
    const { proxy, backend } = await issueWith(workers, "http-01", { tlsOnDemandUrl: "/allow" });
    const cert = await handshake(proxy.server.ports.https, "ok.test");
    expect(cert.subjectaltname).toBe("DNS:ok.test");
    await expect(handshake(proxy.server.ports.https, "deny.test")).rejects.toThrow();
    const asked = backend.requests.filter((r) => r.url?.startsWith("/allow")).map((r) => [r.url, r.headers.host]);
    expect(asked).toEqual([
      ["/allow?host=ok.test", "ok.test"],
      ["/allow?host=deny.test", "deny.test"],
    ]);
  }, 30_000);
});
