// WebSockets through the proxy: the upgrade is tunnelled to the target, over HTTP and HTTPS, and cut on drain.
import { afterEach, describe, expect, it } from "vitest";
import { deployRequest, eventually, logLines, selfSignedCertificate, startProxy, tempDir } from "../../test/helpers.js";
import { connectWebSocket, startWebSocketBackend } from "../../test/websocket.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()!();
});

describe("WebSockets", () => {
  it("tunnels an upgrade to the target and echoes frames both ways, logging status 101", async () => {
    const ws = await startWebSocketBackend("a");
    const p = await startProxy();
    cleanup.push(
      () => ws.close(),
      () => p.close(),
    );
    await p.server.router.deploy(deployRequest("app", [ws.address]));
    const client = await connectWebSocket({ port: p.server.ports.http, host: "app.test", path: "/cable?x=1" });
    expect(client.handshake).toContain(`X-Seen-Target: ${ws.address}`);
    client.send("hello");
    expect(await client.next()).toBe("a:hello");
    client.send("again");
    expect(await client.next()).toBe("a:again");
    client.close();
    await eventually(() => logLines(p.logs, "Request").length === 1);
    expect(logLines(p.logs, "Request")[0]).toMatchObject({ status: 101, path: "/cable", query: "x=1", service: "app" });
  });

  it("works over HTTPS (HTTP/1.1 via ALPN)", async () => {
    const dir = tempDir();
    const cert = selfSignedCertificate(dir, ["ws.test"]);
    const ws = await startWebSocketBackend("secure");
    const p = await startProxy();
    cleanup.push(
      () => ws.close(),
      () => p.close(),
    );
    await p.server.router.deploy(
      deployRequest("app", [ws.address], {
        options: { hosts: ["ws.test"], tlsEnabled: true, tlsCertificatePath: cert.cert, tlsPrivateKeyPath: cert.key },
      }),
    );
    const client = await connectWebSocket({ port: p.server.ports.https, host: "ws.test", servername: "ws.test" });
    client.send("tls");
    expect(await client.next()).toBe("secure:tls");
    client.close();
  });

  it("cuts upgraded connections at the start of a drain, so the deploy does not wait for them", async () => {
    const a = await startWebSocketBackend("a");
    const b = await startWebSocketBackend("b");
    const p = await startProxy();
    cleanup.push(
      () => a.close(),
      () => b.close(),
      () => p.close(),
    );
    await p.server.router.deploy(deployRequest("app", [a.address]));
    const client = await connectWebSocket({ port: p.server.ports.http, host: "x" });
    client.send("1");
    expect(await client.next()).toBe("a:1");
    // The drain timeout is longer than the test's own: the deploy only returns in time if the socket is cut at once.
    await p.server.router.deploy(deployRequest("app", [b.address], { drainTimeoutMs: 120_000 }));
    await client.closed;
    const again = await connectWebSocket({ port: p.server.ports.http, host: "x" });
    again.send("2");
    expect(await again.next()).toBe("b:2");
    again.close();
  });

  it("answers a rejected upgrade with the error page (no service)", async () => {
    const p = await startProxy();
    cleanup.push(() => p.close());
    await expect(connectWebSocket({ port: p.server.ports.http, host: "none" })).rejects.toThrow(
      "handshake failed: HTTP/1.1 404",
    );
  });
});
