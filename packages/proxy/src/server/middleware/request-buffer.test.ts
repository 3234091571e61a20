import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { describe, expect, it } from "vitest";
import { createExchange } from "../exchange.js";
import { bufferRequest } from "./request-buffer.js";

/** Send `body` to a one-shot server and run bufferRequest on what arrives. */
async function buffered(body: string, limits: { maxMemory: number; maxBytes: number }, chunked = false) {
  return new Promise<Awaited<ReturnType<typeof bufferRequest>>>((resolve) => {
    const server = http.createServer(async (req, res) => {
      const ex = createExchange({ req, res, secure: false, listenPort: 80 });
      const result = await bufferRequest(ex, limits);
      res.end();
      server.close();
      resolve(result);
    });
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as AddressInfo).port;
      const req = http.request({
        port,
        host: "127.0.0.1",
        method: "POST",
        agent: false,
        headers: chunked ? {} : { "content-length": body.length },
      });
      req.on("error", () => {});
      req.on("response", (res) => res.resume());
      if (chunked) {
        req.write(body.slice(0, 1));
        req.end(body.slice(1));
      } else req.end(body);
    });
  });
}

describe("bufferRequest", () => {
  it("reads the body into memory", async () => {
    const result = await buffered("hello", { maxMemory: 100, maxBytes: 0 });
    expect("status" in result).toBe(false);
    if ("status" in result) return;
    expect(result.length).toBe(5);
    expect(Buffer.isBuffer(result.body) && result.body.toString()).toBe("hello");
  });

  it("spills large bodies to disk", async () => {
    const result = await buffered("x".repeat(1000), { maxMemory: 10, maxBytes: 0 }, true);
    if ("status" in result) throw new Error("unexpected failure");
    expect(await text(result.body as Readable)).toBe("x".repeat(1000));
    result.dispose();
  });

  it("answers 413 over the maximum, declared or streamed", async () => {
    expect(await buffered("0123456789", { maxMemory: 100, maxBytes: 5 })).toEqual({ status: 413 });
    expect(await buffered("0123456789", { maxMemory: 100, maxBytes: 5 }, true)).toEqual({ status: 413 });
  });
});
