// LeanResponse writes what node:http's ServerResponse writes: here, string bodies as their UTF-8 bytes, which
// Content-Length and chunk sizes count (a latin1 write would send fewer bytes than announced).
import { describe, expect, it } from "vitest";
import { type LeanSink, LeanResponse } from "./lean-exchange.js";

function sink(): LeanSink & { bytes(): Buffer } {
  const out: Buffer[] = [];
  const add = (data: string | Buffer | undefined, encoding: BufferEncoding = "latin1") => {
    if (data !== undefined) out.push(typeof data === "string" ? Buffer.from(data, encoding) : data);
  };
  return {
    write(data, encoding) {
      add(data, encoding);
      return true;
    },
    writeHeadAndBody(head, body, tail) {
      add(head);
      add(body);
      add(tail);
      return true;
    },
    destroyed: false,
    destroy() {},
    responseFinished() {},
    keepAliveSeconds: 5,
    bytes: () => Buffer.concat(out),
  };
}

function split(bytes: Buffer): { head: string; body: Buffer } {
  const end = bytes.indexOf("\r\n\r\n");
  return { head: bytes.subarray(0, end).toString("latin1"), body: bytes.subarray(end + 4) };
}

describe("LeanResponse", () => {
  it("end(string) sends the string's UTF-8 bytes with their count as Content-Length", () => {
    const s = sink();
    new LeanResponse(s, "GET", true).end("café → ok");
    const { head, body } = split(s.bytes());
    expect(head).toMatch(/\r\nContent-Length: 12(\r\n|$)/);
    expect(body.toString("utf8")).toBe("café → ok");
    expect(body.length).toBe(12);
  });

  it("a string body after writeHead with its byte length arrives whole", () => {
    const s = sink();
    const text = '<a href="/caf\u00e9">Moved Permanently</a>.\n\n';
    const res = new LeanResponse(s, "GET", true);
    res.writeHead(301, { "content-length": Buffer.byteLength(text) });
    res.end(text);
    const { body } = split(s.bytes());
    expect(body.length).toBe(Buffer.byteLength(text));
    expect(body.toString("utf8")).toBe(text);
  });

  it("chunked string writes announce their UTF-8 size", () => {
    const s = sink();
    const res = new LeanResponse(s, "GET", true);
    res.writeHead(200);
    res.write("é");
    res.end();
    const { body } = split(s.bytes());
    expect(body.toString("latin1")).toBe("2\r\n\u00c3\u00a9\r\n0\r\n\r\n");
  });
});
