// A minimal WebSocket echo backend and client for tests (handshake plus single unfragmented text frames).
import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import tls from "node:tls";

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/** Start a backend whose WebSocket endpoint echoes text frames prefixed with `name:`. */
export async function startWebSocketBackend(
  name: string,
): Promise<{ address: string; sockets: Set<Duplex>; close(): Promise<void> }> {
  const sockets = new Set<Duplex>();
  const server = http.createServer((req, res) => res.end(req.url === "/up" ? "ok" : name));
  server.on("upgrade", (req, socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    const key = req.headers["sec-websocket-key"] as string;
    const accept = createHash("sha1")
      .update(key + GUID)
      .digest("base64");
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nX-Seen-Target: ${req.headers["x-kamal-target"]}\r\n\r\n`,
    );
    let buffered = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const frame = decodeFrame(buffered);
      if (!frame) return;
      buffered = buffered.subarray(frame.length);
      socket.write(encodeFrame(`${name}:${frame.text}`, false));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    sockets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A connected WebSocket client. */
export interface WebSocketClient {
  readonly handshake: string;
  send(text: string): void;
  next(): Promise<string>;
  closed: Promise<void>;
  close(): void;
}

/** Open a WebSocket through `port` (TLS when `servername` is given) to `path` with Host `host`. */
export function connectWebSocket(options: {
  port: number;
  host: string;
  path?: string;
  servername?: string;
}): Promise<WebSocketClient> {
  return new Promise((resolve, reject) => {
    const socket: Duplex = options.servername
      ? tls.connect({
          host: "127.0.0.1",
          port: options.port,
          servername: options.servername,
          rejectUnauthorized: false,
          ALPNProtocols: ["http/1.1"],
        })
      : net.connect(options.port, "127.0.0.1");
    const key = randomBytes(16).toString("base64");
    socket.write(
      `GET ${options.path ?? "/"} HTTP/1.1\r\nHost: ${options.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    let buffered = Buffer.alloc(0);
    let handshake: string | undefined;
    const frames: string[] = [];
    const waiters: ((text: string) => void)[] = [];
    const closed = new Promise<void>((done) => socket.once("close", () => done()));
    socket.on("error", reject);
    socket.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (handshake === undefined) {
        const end = buffered.indexOf("\r\n\r\n");
        if (end === -1) return;
        handshake = buffered.subarray(0, end).toString();
        buffered = buffered.subarray(end + 4);
        if (!handshake.startsWith("HTTP/1.1 101")) {
          reject(new Error(`handshake failed: ${handshake.split("\r\n")[0]}`));
          socket.destroy();
          return;
        }
        resolve({
          handshake,
          send: (text) => socket.write(encodeFrame(text, true)),
          next: () => new Promise((r) => (frames.length > 0 ? r(frames.shift()!) : waiters.push(r))),
          closed,
          close: () => socket.destroy(),
        });
      }
      for (let frame = decodeFrame(buffered); frame; frame = decodeFrame(buffered)) {
        buffered = buffered.subarray(frame.length);
        const waiter = waiters.shift();
        if (waiter) waiter(frame.text);
        else frames.push(frame.text);
      }
    });
  });
}

function encodeFrame(text: string, mask: boolean): Buffer {
  const payload = Buffer.from(text);
  if (payload.length > 125) throw new Error("test frames are short");
  const header = Buffer.from([0x81, (mask ? 0x80 : 0) | payload.length]);
  if (!mask) return Buffer.concat([header, payload]);
  const key = randomBytes(4);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ key[i % 4]!));
  return Buffer.concat([header, key, masked]);
}

function decodeFrame(data: Buffer): { text: string; length: number } | undefined {
  if (data.length < 2) return undefined;
  const masked = (data[1]! & 0x80) !== 0;
  const length = data[1]! & 0x7f;
  const start = 2 + (masked ? 4 : 0);
  if (data.length < start + length) return undefined;
  let payload = data.subarray(start, start + length);
  if (masked) {
    const key = data.subarray(2, 6);
    payload = Buffer.from(payload.map((byte, i) => byte ^ key[i % 4]!));
  }
  return { text: payload.toString(), length: start + length };
}
