// Response-buffer middleware (--buffer-responses): collect the target's answer (memory, then disk) and send it with
// a Content-Length once complete; over --max-response-body → 500. Event streams (SSE) bypass it.
import type { Readable } from "node:stream";
import { SpillBuffer } from "../buffer.js";
import type { Exchange } from "../exchange.js";

export interface ResponseBufferLimits {
  maxMemory: number;
  /** 0 means unlimited. */
  maxBytes: number;
}

/** True when a response with this Content-Type must stream (kamal-proxy passes SSE through unbuffered). */
export function bypassesResponseBuffer(contentType: string): boolean {
  return contentType.startsWith("text/event-stream");
}

/** A response being collected: status and headers now, body chunks as they come, sent by `send`. */
export class ResponseBuffer {
  private readonly buffer: SpillBuffer;

  constructor(
    readonly status: number,
    readonly headers: string[],
    limits: ResponseBufferLimits,
  ) {
    this.buffer = new SpillBuffer({ maxMemory: limits.maxMemory, maxBytes: limits.maxBytes });
  }

  get size(): number {
    return this.buffer.size;
  }

  /** Add a chunk; throws MaximumSizeExceededError past the limit; a promise only when writing to disk. */
  append(chunk: Buffer): Promise<void> | undefined {
    return this.buffer.append(chunk);
  }

  /** Write head (with Content-Length replacing any other framing) and body; `writeHead` handles h1/h2 shapes. */
  async send(ex: Exchange, writeHead: (status: number, headers: string[]) => boolean): Promise<void> {
    const body = await this.buffer.body();
    const headers: string[] = [];
    for (let i = 0; i < this.headers.length; i += 2) {
      if (this.headers[i]!.toLowerCase() !== "content-length") headers.push(this.headers[i]!, this.headers[i + 1]!);
    }
    headers.push("content-length", String(this.buffer.size));
    ex.respBytes += this.buffer.size;
    if (!writeHead(this.status, headers)) {
      void this.dispose();
      return;
    }
    const res = ex.res as BodyWriter;
    if (Buffer.isBuffer(body)) {
      res.end(body);
      void this.dispose();
      return;
    }
    try {
      await writeAll(body as Readable, res);
    } finally {
      (body as Readable).destroy();
      void this.dispose();
    }
  }

  dispose(): Promise<void> {
    return this.buffer.dispose();
  }
}

/** What a spilled body is written to: node's responses (HTTP/1.1 and 2) and the lean path's alike. */
interface BodyWriter {
  readonly destroyed: boolean;
  write(chunk: Buffer): boolean;
  end(chunk?: Buffer): unknown;
  once(event: "drain" | "close", listener: () => void): unknown;
}

/** Copy a spilled body into the response, waiting for 'drain' when it is full (or 'close' when the client left). */
async function writeAll(body: Readable, res: BodyWriter): Promise<void> {
  for await (const chunk of body) {
    if (res.destroyed) return;
    if (!res.write(chunk as Buffer)) {
      await new Promise<void>((resolve) => {
        res.once("drain", resolve);
        res.once("close", resolve);
      });
    }
  }
  if (!res.destroyed) res.end();
}
