// Request-start middleware: sets `X-Request-Start: t=<unix ms>` for the target unless the client already sent one.
import type { Exchange } from "../exchange.js";

/** Add X-Request-Start when absent (queue-time metrics in Rails and friends read it). */
export function applyRequestStart(ex: Exchange, nowMs: number = Date.now()): void {
  const headers = ex.req.headers;
  if (headers["x-request-start"] === undefined) headers["x-request-start"] = `t=${nowMs}`;
}
