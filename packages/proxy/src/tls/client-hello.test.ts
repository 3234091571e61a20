import net from "node:net";
import tls from "node:tls";
import { describe, expect, it } from "vitest";
import { clientHelloLength, parseClientHello } from "./client-hello.js";

/** Capture the first bytes a real TLS client sends. */
function captureHello(options: tls.ConnectionOptions): Promise<Buffer> {
  return new Promise((resolve) => {
    const server = net.createServer((socket) => {
      socket.once("data", (data: Buffer) => {
        resolve(data);
        socket.destroy();
        server.close();
      });
    });
    server.listen(0, "127.0.0.1", () => {
      const client = tls.connect({ ...options, host: "127.0.0.1", port: (server.address() as net.AddressInfo).port });
      client.on("error", () => {});
    });
  });
}

describe("parseClientHello", () => {
  it("reads SNI and ALPN from a real ClientHello", async () => {
    const hello = await captureHello({ servername: "a.example", ALPNProtocols: ["acme-tls/1"] });
    expect(clientHelloLength(hello)).toBeLessThanOrEqual(hello.length);
    expect(parseClientHello(hello)).toEqual({ serverName: "a.example", alpn: ["acme-tls/1"] });
  });

  it("reports a missing SNI", async () => {
    const hello = await captureHello({ ALPNProtocols: ["h2", "http/1.1"] });
    expect(parseClientHello(hello)).toEqual({ serverName: undefined, alpn: ["h2", "http/1.1"] });
  });

  it("rejects non-TLS bytes", () => {
    expect(clientHelloLength(Buffer.from("GET / HTTP/1.1\r\n"))).toBe(0);
    expect(parseClientHello(Buffer.from("GET / HTTP/1.1\r\n"))).toBeUndefined();
    expect(clientHelloLength(Buffer.from([0x16, 3]))).toBeUndefined();
  });
});
