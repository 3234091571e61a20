// The lean HTTP/1.1 path end to end (one process, so its counters can be read): pipelining, bodies both ways,
// 100-continue, bodiless answers, Connection: close, buffering, the same bytes as node:http, and the hand-over to
// node:http.
import { readdirSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import { afterEach, describe, expect, it } from "vitest";
import { type Backend, deployRequest, startBackend, startProxy, type TestProxy } from "../../../test/helpers.js";
import type { Server } from "../server.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()!();
});

async function backend(name: string, handler?: Parameters<typeof startBackend>[1]): Promise<Backend> {
  const b = await startBackend(name, handler);
  cleanup.push(() => b.close());
  return b;
}

async function proxyTo(b: Backend, overrides: Parameters<typeof deployRequest>[2] = {}): Promise<TestProxy> {
  const p = await startProxy({ workers: 1 });
  cleanup.push(() => p.close());
  await p.server.router.deploy(deployRequest("app", [b.address], overrides));
  return p;
}

function stats(p: TestProxy) {
  return (p.server as Server).leanStats;
}

/** Write `text` on one connection and collect everything until the proxy closes it (or `done` says so). */
function raw(p: TestProxy, text: string | string[], done?: (data: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(p.server.ports.http, "127.0.0.1");
    let data = "";
    socket.on("data", (chunk: Buffer) => {
      data += chunk.toString("latin1");
      if (done?.(data)) {
        socket.destroy();
        resolve(data);
      }
    });
    socket.on("close", () => resolve(data));
    socket.on("error", reject);
    const parts = Array.isArray(text) ? text : [text];
    (async () => {
      for (const part of parts) {
        socket.write(part);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
  });
}

/** Echo backend: method, url, body and selected request headers as JSON. */
function echo(name: string) {
  return backend(name, (req, res) => {
    if (req.url === "/up") return void res.end("ok");
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      res.setHeader("content-type", "application/json");
      res.end(
        JSON.stringify({
          name,
          method: req.method,
          url: req.url,
          body: Buffer.concat(chunks).toString(),
          te: req.headers["transfer-encoding"] ?? null,
          length: req.headers["content-length"] ?? null,
        }),
      );
    });
  });
}

function bodies(data: string): unknown[] {
  return [...data.matchAll(/\{"name".*?\}(?=HTTP|$)/g)].map((m) => JSON.parse(m[0]));
}

describe("lean HTTP/1.1 path", () => {
  it("answers pipelined requests in order on one connection, bodies included", async () => {
    const p = await proxyTo(await echo("b"));
    const data = await raw(
      p,
      "GET /1 HTTP/1.1\r\nHost: x\r\n\r\n" +
        "POST /2 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" +
        "POST /3 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" +
        "GET /4 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    expect(data.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(4);
    expect(bodies(data)).toEqual([
      { name: "b", method: "GET", url: "/1", body: "", te: null, length: null },
      { name: "b", method: "POST", url: "/2", body: "hello", te: null, length: "5" },
      { name: "b", method: "POST", url: "/3", body: "abc", te: "chunked", length: null },
      { name: "b", method: "GET", url: "/4", body: "", te: null, length: null },
    ]);
    expect(data).toMatch(/Connection: close\r\n/);
    expect(stats(p)).toEqual({ accepted: 1, handedOver: 0 });
  });

  it("streams a chunked request body as it arrives and a chunked answer back", async () => {
    let firstPiece = "";
    const b = await backend("b", (req, res) => {
      if (req.url === "/up") return void res.end("ok");
      req.once("data", (chunk: Buffer) => {
        firstPiece = chunk.toString();
        res.write("part one;");
        req.resume();
        req.on("end", () => setTimeout(() => res.end("part two"), 10));
      });
    });
    const p = await proxyTo(b);
    const data = await raw(p, [
      "POST /stream HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n4\r\nabcd\r\n",
      "2\r\nef\r\n0\r\n\r\n",
    ]);
    expect(firstPiece).toBe("abcd");
    expect(data).toMatch(/Transfer-Encoding: chunked\r\n/);
    expect(data.slice(data.indexOf("\r\n\r\n") + 4)).toBe("9\r\npart one;\r\n8\r\npart two\r\n0\r\n\r\n");
  });

  it("answers Expect: 100-continue before the body is sent", async () => {
    const p = await proxyTo(await echo("b"));
    const socket = net.connect(p.server.ports.http, "127.0.0.1");
    cleanup.push(async () => void socket.destroy());
    socket.write("PUT /up-load HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
    const interim = await new Promise<string>((resolve) => socket.once("data", (c: Buffer) => resolve(c.toString())));
    expect(interim).toBe("HTTP/1.1 100 Continue\r\n\r\n");
    let rest = "";
    socket.on("data", (c: Buffer) => {
      rest += c.toString();
    });
    socket.write("data");
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (rest.includes('"body":"data"')) {
          clearInterval(check);
          resolve();
        }
      }, 5);
    });
    expect(rest).toMatch(/^HTTP\/1\.1 200 OK/);
  });

  it("sends no body for HEAD, 204 and 304, and keeps the connection for the next request", async () => {
    const b = await backend("b", (req, res) => {
      if (req.url === "/204") res.statusCode = 204;
      if (req.url === "/304") res.statusCode = 304;
      res.setHeader("content-length", "5");
      res.end(req.method === "HEAD" || res.statusCode !== 200 ? undefined : "hello");
    });
    const p = await proxyTo(b);
    const data = await raw(
      p,
      "HEAD /h HTTP/1.1\r\nHost: x\r\n\r\nGET /204 HTTP/1.1\r\nHost: x\r\n\r\nGET /304 HTTP/1.1\r\nHost: x\r\n\r\n" +
        "GET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    const answers = data.split(/(?=HTTP\/1\.1 )/);
    expect(answers.map((a) => a.slice(9, 12))).toEqual(["200", "204", "304", "200"]);
    for (const answer of answers.slice(0, 3)) expect(answer.endsWith("\r\n\r\n")).toBe(true);
    expect(answers[3]!.endsWith("\r\n\r\nhello")).toBe(true);
  });

  it("writes the same answer head and sends the target the same request head as node:http with undici", async () => {
    const heads: string[] = [];
    const target = net.createServer((socket) => {
      socket.on("data", (chunk: Buffer) => {
        const text = chunk.toString("latin1");
        if (text.startsWith("GET /up")) {
          socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
          return;
        }
        heads.push(text);
        socket.write(
          "HTTP/1.1 201 Created\r\nX-Custom: a\r\nSet-Cookie: s=1\r\nKeep-Alive: timeout=5\r\nConnection: keep-alive\r\n" +
            "Date: Thu, 01 Jan 2026 00:00:00 GMT\r\nContent-Length: 3\r\n\r\nabc",
        );
      });
    });
    await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
    cleanup.push(() => new Promise((resolve) => target.close(() => resolve())));
    const p = await startProxy({ workers: 1 });
    cleanup.push(() => p.close());
    const port = (target.address() as net.AddressInfo).port;
    await p.server.router.deploy(deployRequest("app", [`127.0.0.1:${port}`]));
    // An Upgrade header without Connection: upgrade is an ordinary request node:http serves: the lean path hands it
    // over, so the same request goes both ways.
    const request = (extra: string) =>
      `GET /same?q=1 HTTP/1.1\r\nHost: app.test\r\nUser-Agent: t\r\nX-Request-Id: fixed\r\nX-Request-Start: t=1\r\n${extra}Connection: close\r\n\r\n`;
    const lean = await raw(p, request("X-Upgrade-Like: no\r\n"));
    const node = await raw(p, request("Upgrade: nothing\r\n"));
    expect(stats(p)).toEqual({ accepted: 2, handedOver: 1 });
    expect(lean).toBe(node);
    expect(lean).toBe(
      "HTTP/1.1 201 Created\r\nX-Custom: a\r\nSet-Cookie: s=1\r\nDate: Thu, 01 Jan 2026 00:00:00 GMT\r\n" +
        "Content-Length: 3\r\nConnection: close\r\n\r\nabc",
    );
    expect(heads).toHaveLength(2);
    expect(heads[0]!.replace("x-upgrade-like: no\r\n", "")).toBe(heads[1]);
  });

  it("hands a connection to node:http, with the bytes already read, for an upgrade after lean requests", async () => {
    const b = await backend("b");
    b.server.on("upgrade", (_req, socket: net.Socket) => {
      cleanup.push(async () => void socket.destroy());
      socket.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\nupgraded");
    });
    const p = await proxyTo(b);
    const data = await raw(
      p,
      "GET /first HTTP/1.1\r\nHost: x\r\n\r\nGET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\n",
      (text) => text.endsWith("upgraded"),
    );
    expect(data).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*b \/first/);
    expect(data).toMatch(/HTTP\/1\.1 101 Switching Protocols[\s\S]*upgraded$/);
    expect(stats(p)).toEqual({ accepted: 1, handedOver: 1 });
  });

  it("hands HTTP/1.0 to node:http", async () => {
    const p = await proxyTo(await backend("b"));
    expect(await raw(p, "GET /old HTTP/1.0\r\nHost: x\r\n\r\n")).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*b \/old$/);
    expect(stats(p)).toEqual({ accepted: 1, handedOver: 1 });
  });

  it("collects buffered answers itself and sends them whole, with a Content-Length", async () => {
    const b = await backend("b", (req, res) => {
      if (req.url === "/up") return void res.end("ok");
      // Chunked, in two pieces some time apart: nothing may reach the client before the end.
      res.write("first ");
      setTimeout(() => res.end(req.url === "/big" ? "second".repeat(20) : "second"), 30);
    });
    const p = await proxyTo(b, { target: { bufferResponses: true, maxMemoryBufferSize: 4, maxResponseBodySize: 64 } });
    const answer = await raw(p, "GET /buffered HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(answer).toMatch(/\r\ncontent-length: 12\r\n/i);
    expect(answer).not.toMatch(/transfer-encoding/i);
    expect(answer.endsWith("\r\n\r\nfirst second")).toBe(true);
    // Over --max-response-body: 500, and the spill file of the failed answer is gone too.
    const big = await raw(p, "GET /big HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(big).toMatch(/^HTTP\/1\.1 500 /);
    expect(stats(p)).toEqual({ accepted: 2, handedOver: 0 });
    const spillFiles = () => readdirSync(tmpdir()).filter((name) => name.startsWith(`proxy-buffer-${process.pid}-`));
    for (let i = 0; i < 50 && spillFiles().length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(spillFiles()).toEqual([]);
  });

  it("serves buffered requests with small bodies itself and leaves the rest to node:http", async () => {
    const b = await echo("b");
    const p = await proxyTo(b, {
      target: { bufferRequests: true, maxMemoryBufferSize: 100, maxRequestBodySize: 1000 },
    });
    const small = await raw(
      p,
      "POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
    );
    expect(small).toMatch(/"body":"hello"/);
    expect(stats(p)).toEqual({ accepted: 1, handedOver: 0 });
    const large = `POST /large HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\nConnection: close\r\n\r\n${"x".repeat(500)}`;
    expect(await raw(p, large)).toMatch(/"body":"x{500}"/);
    const chunked =
      "POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\nhi\r\n0\r\n\r\n";
    expect(await raw(p, chunked)).toMatch(/"body":"hi"/);
    const tooLarge = "POST /413 HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\nConnection: close\r\n\r\n";
    expect(await raw(p, tooLarge)).toMatch(/^HTTP\/1\.1 413 /);
    expect(stats(p)).toEqual({ accepted: 4, handedOver: 3 });
  });

  it("answers malformed heads with 400 and closes", async () => {
    const p = await proxyTo(await backend("b"));
    expect(await raw(p, "GET / HTTP/1.1\r\nHost : x\r\n\r\n")).toBe(
      "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
    );
    expect(
      await raw(p, "GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nContent-Length: z\r\n\r\n"),
    ).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*HTTP\/1\.1 400 Bad Request\r\n/);
    expect(stats(p).handedOver).toBe(0);
  });

  it("passes on an answer that ends when the target closes the connection (no length, not chunked)", async () => {
    const body = "until close ".repeat(12_000); // more than one read of the target's socket
    const b = await backend("b", (req, res) => {
      if (req.url === "/up") return void res.end("ok");
      req.socket.end(`HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\n${body}`);
    });
    const p = await proxyTo(b);
    const answer = await raw(p, "GET /eof HTTP/1.1\r\nHost: app.example\r\n\r\n", (data) => data.endsWith("0\r\n\r\n"));
    const [head, ...rest] = answer.split("\r\n\r\n");
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head).toMatch(/transfer-encoding: chunked/i);
    const chunked = rest.join("\r\n\r\n");
    let decoded = "";
    for (let at = 0; ; ) {
      const eol = chunked.indexOf("\r\n", at);
      const size = Number.parseInt(chunked.slice(at, eol), 16);
      if (size === 0) break;
      decoded += chunked.slice(eol + 2, eol + 2 + size);
      at = eol + 2 + size + 2;
    }
    expect(decoded).toBe(body);
  });

  it("does not reuse a target connection the target closed, and answers 502 when a target dies mid-answer", async () => {
    const b = await backend("b", (req, res) => {
      if (req.url === "/die") {
        res.writeHead(200, { "content-length": "10" });
        res.write("part");
        setTimeout(() => res.socket?.destroy(), 10);
        return;
      }
      res.end("ok");
    });
    b.server.keepAliveTimeout = 30;
    const p = await proxyTo(b);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    cleanup.push(async () => agent.destroy());
    const get = (path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        http
          .get(`${p.httpUrl}${path}`, { agent }, (res) => {
            let body = "";
            res.on("data", (c: Buffer) => {
              body += c.toString();
            });
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
            res.on("error", reject);
          })
          .on("error", reject);
      });
    expect(await get("/a")).toEqual({ status: 200, body: "ok" });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await get("/b")).toEqual({ status: 200, body: "ok" });
    await expect(get("/die")).rejects.toThrow();
    await expect(new Promise((resolve) => setTimeout(resolve, 50)).then(() => get("/c"))).resolves.toEqual({
      status: 200,
      body: "ok",
    });
  });
});
