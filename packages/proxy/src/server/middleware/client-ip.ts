// Client-IP middleware (--client-ip-header): copies a trusted header such as True-Client-IP into X-Forwarded-For.
import type { Exchange } from "../exchange.js";

/** Replace X-Forwarded-For with the configured header's value when the request carries it. */
export function applyClientIpHeader(ex: Exchange, header: string): void {
  if (header === "") return;
  const value = ex.req.headers[header.toLowerCase()];
  const ip = Array.isArray(value) ? value[0] : value;
  if (ip) ex.req.headers["x-forwarded-for"] = ip.trim();
}
