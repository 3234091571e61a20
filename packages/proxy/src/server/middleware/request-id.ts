// Request-ID middleware: keeps a client-supplied X-Request-ID, otherwise assigns a random UUIDv4.
import { randomFillSync } from "node:crypto";
import type { Exchange } from "../exchange.js";

/** Ensure the request carries an X-Request-ID and remember it for the access log. */
export function applyRequestId(ex: Exchange): void {
  const headers = ex.req.headers;
  const existing = headers["x-request-id"];
  if (typeof existing === "string" && existing !== "") {
    ex.requestId = existing;
    return;
  }
  const id = randomRequestId();
  headers["x-request-id"] = id;
  ex.requestId = id;
}

// UUIDv4s formatted from a pool of random bytes into one scratch buffer: one flat string per id. crypto.randomUUID
// (which also draws from a pool) builds each id from some twenty string concatenations, and this runs per request.
const IDS_PER_FILL = 256;
const pool = Buffer.alloc(16 * IDS_PER_FILL);
let nextId = IDS_PER_FILL;
const HEX = Buffer.from("0123456789abcdef", "latin1");
const text = Buffer.alloc(36);

/** A random (version 4, RFC 9562) UUID in its lowercase 36-character form. */
export function randomRequestId(): string {
  if (nextId === IDS_PER_FILL) {
    randomFillSync(pool);
    nextId = 0;
  }
  const offset = nextId++ * 16;
  let p = 0;
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) text[p++] = 0x2d; // -
    let byte = pool[offset + i]!;
    if (i === 6)
      byte = (byte & 0x0f) | 0x40; // version 4
    else if (i === 8) byte = (byte & 0x3f) | 0x80; // variant 10
    text[p++] = HEX[byte >> 4]!;
    text[p++] = HEX[byte & 0x0f]!;
  }
  return text.toString("latin1", 0, 36);
}
