import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  CHUNKED,
  type HeadError,
  type HeadFallback,
  parseRequestHead,
  parseResponseHead,
  type RequestHead,
  type ResponseHead,
  UNTIL_CLOSE,
} from "./head-parser.js";

const MAX = 1 << 20;

function parse(text: string, max = MAX) {
  return parseRequestHead(Buffer.from(text, "latin1"), 0, max);
}

function head(text: string): RequestHead {
  const result = parse(text);
  if (result === undefined || "error" in result || "fallback" in result) {
    throw new Error(`not parsed: ${JSON.stringify(result)}`);
  }
  return result;
}

function errorOf(text: string, max = MAX): number | undefined {
  return (parse(text, max) as HeadError | undefined)?.error;
}

function fallbackOf(text: string): string | undefined {
  return (parse(text) as HeadFallback | undefined)?.fallback;
}

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** What node:http makes of a raw head: req.headers, or the status it answered. */
async function nodeHeaders(raw: string): Promise<Record<string, unknown>> {
  let seen: Record<string, unknown> = {};
  const server = http.createServer((req, res) => {
    seen = { ...req.headers };
    res.end();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const socket = net.connect((server.address() as AddressInfo).port, "127.0.0.1");
  socket.write(Buffer.from(raw, "latin1"));
  await new Promise<void>((resolve) => socket.once("data", () => resolve()));
  socket.destroy();
  return seen;
}

describe("parseRequestHead", () => {
  it("reads the request line, the headers and the body framing", () => {
    const parsed = head("POST /a/b?x=1&y=%20 HTTP/1.1\r\nHost: app.test\r\nContent-Length: 12\r\n\r\nhello world!");
    expect(parsed).toMatchObject({
      method: "POST",
      url: "/a/b?x=1&y=%20",
      bodyLength: 12,
      keepAlive: true,
      expectContinue: false,
    });
    expect(parsed.headers).toEqual({ host: "app.test", "content-length": "12" });
    expect("POST /a/b?x=1&y=%20 HTTP/1.1\r\nHost: app.test\r\nContent-Length: 12\r\n\r\n".length).toBe(parsed.headEnd);
  });

  it("combines repeated headers exactly as node:http does", async () => {
    const raw =
      "GET / HTTP/1.1\r\nHost: first\r\nHost: second\r\nCookie: a=1\r\ncookie: b=2\r\nSet-Cookie: s=1\r\n" +
      "Set-Cookie: s=2\r\nX-Thing: one\r\nX-THING: two\r\nUser-Agent: ua1\r\nUser-Agent: ua2\r\nAccept: a\r\n" +
      "Accept: b\r\nAuthorization: t1\r\nAuthorization: t2\r\nX-Empty:\r\nX-Spaces: \t padded \t \r\nContent-Type: text/a\r\n" +
      "Content-Type: text/b\r\nConnection: keep-alive\r\nDate: d1\r\nDate: d2\r\nX-Latin: caf\xe9\r\n\r\n";
    expect(head(raw).headers).toEqual(await nodeHeaders(raw));
  });

  it("skips blank lines before a request and waits for an incomplete head", () => {
    expect(head("\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n").url).toBe("/");
    expect(parse("GET / HTTP/1.1\r\nHost: x\r\n")).toBeUndefined();
    expect(parse("GET / HTT")).toBeUndefined();
  });

  it("finds where the head ends, so pipelined requests parse one after another", () => {
    const buf = Buffer.from("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n");
    const first = parseRequestHead(buf, 0, MAX) as RequestHead;
    const second = parseRequestHead(buf.subarray(first.headEnd), 0, MAX) as RequestHead;
    expect([first.url, second.url]).toEqual(["/1", "/2"]);
    expect(first.headEnd + second.headEnd).toBe(buf.length);
  });

  it("reads chunked framing, Connection: close and Expect: 100-continue", () => {
    expect(head("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n").bodyLength).toBe(CHUNKED);
    expect(head("GET / HTTP/1.1\r\nHost: x\r\nConnection: Close\r\n\r\n").keepAlive).toBe(false);
    expect(head("GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, x-closed\r\n\r\n").keepAlive).toBe(true);
    expect(head("PUT / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n").expectContinue).toBe(
      true,
    );
  });

  it("answers 400 to malformed heads, as llhttp does", () => {
    expect(errorOf("BOGUS\r\n\r\n")).toBe(400);
    expect(errorOf("FETCH / HTTP/1.1\r\nHost: x\r\n\r\n")).toBe(400);
    expect(errorOf("G(T / HTTP/1.1\r\nHost: x\r\n\r\n")).toBe(400);
    expect(errorOf("GET /a b HTTP/1.1\r\nHost: x\r\n\r\n")).toBe(400);
    expect(errorOf("GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n")).toBe(400);
    expect(errorOf("GET / HTTP/1.x\r\nHost: x\r\n\r\n")).toBe(400);
    expect(errorOf("GET / HTTPS/1.1\r\nHost: x\r\n\r\n")).toBe(400);
    expect(errorOf("GET / HTTP/1.1\r\nHost : x\r\n\r\n")).toBe(400);
    expect(errorOf("GET / HTTP/1.1\r\nNo colon\r\n\r\n")).toBe(400);
    expect(errorOf("GET / HTTP/1.1\r\n: empty name\r\n\r\n")).toBe(400);
    expect(errorOf("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n")).toBe(400);
    expect(errorOf("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n")).toBe(400);
    expect(errorOf("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\nb: c\r\n\r\n")).toBe(400);
    expect(errorOf("GET / HTTP/1.1\nHost: x\n\n")).toBe(400);
    expect(errorOf("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n")).toBe(400);
    expect(errorOf("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n")).toBe(400);
    expect(errorOf("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n")).toBe(400);
    expect(errorOf("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n")).toBe(400);

    // Lookalikes of what the parser reads without copying: GET, the version, a 15-digit length at most.
    expect(errorOf("GEX / HTTP/1.1\r\nHost: x\r\n\r\n")).toBe(400);
    expect(errorOf("GET /\r\nHost: x\r\n\r\n")).toBe(400);
    expect(errorOf("GET / HTTP/1.1 \r\nHost: x\r\n\r\n")).toBe(400);
    expect(errorOf("GET / HTTP/1.\r\nHost: x\r\n\r\n")).toBe(400);
    expect(errorOf("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1234567890123456\r\n\r\n")).toBe(400);
    expect(errorOf("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \r\n\r\n")).toBe(400);
  });

  it("reads lengths, values and names byte for byte", () => {
    expect(head("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 007\r\n\r\n").bodyLength).toBe(7);
    expect(head("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 123456789012345\r\n\r\n").bodyLength).toBe(
      123456789012345,
    );
    const parsed = head("GET /a?b=1 HTTP/1.1\r\nHOST: x\r\nX-A: \t a \xe9 b \t\r\nX-Empty:\r\n\r\n");
    expect(parsed.method).toBe("GET");
    expect(parsed.url).toBe("/a?b=1");
    expect(parsed.headers).toEqual({ host: "x", "x-a": "a \xe9 b", "x-empty": "" });
    expect(head("DELETE /x HTTP/1.1\r\nHost: x\r\n\r\n").method).toBe("DELETE");
  });

  it("answers 431 to heads over the limit, complete or not", () => {
    const big = `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(2000)}\r\n`;
    expect(errorOf(`${big}\r\n`, 1024)).toBe(431);
    expect(errorOf(big, 1024)).toBe(431);
    expect(errorOf(`${big}\r\n`, 4096)).toBeUndefined();
  });

  it("leaves to node:http what is well-formed but outside the lean path", () => {
    expect(fallbackOf("GET / HTTP/1.0\r\nHost: x\r\n\r\n")).toBe("HTTP/1.0");
    expect(fallbackOf("GET / HTTP/2.0\r\nHost: x\r\n\r\n")).toBe("HTTP/2.0");
    expect(fallbackOf("GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")).toBe(
      "upgrade",
    );
    expect(fallbackOf("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\n\r\n")).toBe("upgrade");
    expect(fallbackOf("CONNECT x:443 HTTP/1.1\r\nHost: x\r\n\r\n")).toBe("CONNECT");
    expect(fallbackOf("GET http://x/ HTTP/1.1\r\nHost: x\r\n\r\n")).toBe("request target not in origin form");
    expect(fallbackOf("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n")).toBe("request target not in origin form");
    expect(fallbackOf('GET /"quoted" HTTP/1.1\r\nHost: x\r\n\r\n')).toBe("unusual request target bytes");
    expect(fallbackOf("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n  folded\r\n\r\n")).toBe("obsolete line folding");
    expect(fallbackOf("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")).toBe(
      "transfer coding other than chunked",
    );
    expect(fallbackOf("POST / HTTP/1.1\r\nHost: x\r\nExpect: something\r\n\r\n")).toBe(
      "expectation other than 100-continue",
    );
    expect(fallbackOf("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n")).toBe("no Host header");
  });
});

function response(text: string, method = "GET"): ResponseHead | HeadError | undefined {
  return parseResponseHead(Buffer.from(text, "latin1"), 0, 16384, method);
}

describe("parseResponseHead", () => {
  it("reads the status, the headers as sent and the body framing", () => {
    const text = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nSet-Cookie: a=1\r\n\r\n";
    expect(response(`${text}hello`)).toEqual({
      status: 200,
      headers: ["Content-Type", "text/plain", "Content-Length", "5", "Set-Cookie", "a=1"],
      headEnd: text.length,
      bodyLength: 5,
      keepAlive: true,
    });
    expect(response("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")).toMatchObject({ bodyLength: CHUNKED });
    expect(response("HTTP/1.1 200 OK\r\n\r\n")).toMatchObject({ bodyLength: UNTIL_CLOSE, keepAlive: false });
    expect(response("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\n")).toMatchObject({
      keepAlive: false,
    });
    expect(response("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\n")).toMatchObject({ keepAlive: false });
    expect(response("HTTP/1.1 204\r\n\r\n")).toMatchObject({ status: 204, bodyLength: 0 });
  });

  it("knows answers without a body: HEAD, 204, 304 and 1xx", () => {
    expect(response("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", "HEAD")).toMatchObject({ bodyLength: 0 });
    expect(response("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n")).toMatchObject({ bodyLength: 0 });
    expect(response("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n")).toMatchObject({ status: 100, headEnd: 25 });
  });

  it("refuses malformed answers", () => {
    expect(response("HTTP/1.1 20 OK\r\n\r\n")).toMatchObject({ error: 400 });
    expect(response("HTTP/2.0 200 OK\r\n\r\n")).toMatchObject({ error: 400 });
    expect(response("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n")).toMatchObject({ error: 400 });
    expect(response("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")).toMatchObject({
      error: 400,
    });
    expect(response("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n")).toMatchObject({ error: 400 });
    expect(response("HTTP/1.1 200 OK\nContent-Length: 1\n\n")).toMatchObject({ error: 400 });
    expect(response(`HTTP/1.1 200 OK\r\nX-Big: ${"a".repeat(20000)}`)).toMatchObject({ error: 431 });

    expect(response("HTTP/1.1 200OK\r\n\r\n")).toMatchObject({ error: 400 });
    expect(response("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n")).toMatchObject({ error: 400 });
    expect(response("HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n")).toMatchObject({ error: 400 });
    expect(response("HTTP/1.1 200 OK\r\nX-A: a\rb\r\nContent-Length: 1\r\n\r\n")).toMatchObject({ error: 400 });
    expect(response("HTTP/1.1 200 OK\r\nX-A: a\nb\r\nContent-Length: 1\r\n\r\n")).toMatchObject({ error: 400 });
  });

  it("reads names in any case, reasons as sent and values without their padding", () => {
    expect(response("HTTP/1.1 404 Not Found Here\r\nCONTENT-LENGTH: 5\r\nConnection: Keep-Alive\r\n\r\n")).toEqual({
      status: 404,
      headers: ["CONTENT-LENGTH", "5", "Connection", "Keep-Alive"],
      headEnd: 74,
      bodyLength: 5,
      keepAlive: true,
    });
    expect(response("HTTP/1.0 200 OK\r\nContent-Length: 1\r\nConnection: keep-alive\r\n\r\n")).toMatchObject({
      keepAlive: true,
    });
    expect(response("HTTP/1.0 200 OK\r\nContent-Length: 1\r\nconnection: Keep-Alive\r\n\r\n")).toMatchObject({
      keepAlive: true,
    });
    expect(response("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nCONNECTION: CLOSE\r\n\r\n")).toMatchObject({
      bodyLength: 2,
      keepAlive: false,
    });
    expect(response("HTTP/1.1 200 OK\r\nX-A:  a\xe9 b \t\r\nContent-Length: 0\r\n\r\n")).toMatchObject({
      headers: ["X-A", "a\xe9 b", "Content-Length", "0"],
    });
  });
});
