// Target-header middleware: tells the target which address served it (X-Kamal-Target), appending to a forwarded chain.
import type { Exchange } from "../exchange.js";

/** Set X-Kamal-Target; with --forward-headers an incoming value is kept and the address appended. */
export function applyTargetHeader(ex: Exchange, address: string, forwardHeaders: boolean): void {
  const headers = ex.req.headers;
  const prior = headers["x-kamal-target"];
  headers["x-kamal-target"] = forwardHeaders && prior ? `${prior}, ${address}` : address;
}
