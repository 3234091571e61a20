// Request-ID middleware: keeps a client-supplied X-Request-ID, otherwise assigns a random UUIDv4.
import { randomUUID } from "node:crypto";
import type { Exchange } from "../exchange.js";

/** Ensure the request carries an X-Request-ID and remember it for the access log. */
export function applyRequestId(ex: Exchange): void {
  const headers = ex.req.headers;
  const existing = headers["x-request-id"];
  if (typeof existing === "string" && existing !== "") {
    ex.requestId = existing;
    return;
  }
  const id = randomUUID();
  headers["x-request-id"] = id;
  ex.requestId = id;
}
