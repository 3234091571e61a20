// Request-buffer middleware (--buffer-requests): read the whole body before contacting the target, in memory up to
// --buffer-memory and on disk beyond; over --max-request-body → 413; a broken upload → 400.
import type { Readable } from "node:stream";
import { MaximumSizeExceededError, readIntoBuffer, SpillBuffer } from "../buffer.js";
import type { Exchange } from "../exchange.js";

/** A fully read request body, ready to send with a Content-Length. */
export interface BufferedRequest {
  body: Buffer | Readable;
  length: number;
  dispose(): void;
}

export interface RequestBufferLimits {
  maxMemory: number;
  /** 0 means unlimited. */
  maxBytes: number;
}

/** Read the request body; resolves with the body, or with the error status to answer (413 or 400). */
export async function bufferRequest(
  ex: Exchange,
  limits: RequestBufferLimits,
  onBuffer?: (buffer: SpillBuffer) => void,
): Promise<BufferedRequest | { status: number }> {
  const declared = Number(ex.req.headers["content-length"] ?? -1);
  if (limits.maxBytes > 0 && declared > limits.maxBytes) return { status: 413 };
  const buffer = new SpillBuffer({ maxMemory: limits.maxMemory, maxBytes: limits.maxBytes });
  onBuffer?.(buffer);
  try {
    await readIntoBuffer(ex.req as Readable, buffer);
    const body = await buffer.body();
    return { body, length: buffer.size, dispose: () => void buffer.dispose() };
  } catch (error) {
    void buffer.dispose();
    return { status: error instanceof MaximumSizeExceededError ? 413 : 400 };
  }
}
