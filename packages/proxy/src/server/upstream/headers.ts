// The request head sent upstream: the client's headers minus hop-by-hop ones, plus Host and X-Forwarded-*, and
// the routed path. Shared by proxied requests and WebSocket tunnels.
import type { Exchange } from "../exchange.js";
import { forwardedHeaders, normalizeIp } from "../middleware/forwarded-headers.js";

// Request headers never forwarded: hop-by-hop (RFC 9110 §7.6.1), ones undici manages itself, and the ones the
// proxy sets (Host, X-Forwarded-*; Forwarded is dropped as Go's ReverseProxy does).
const SKIP_REQUEST_HEADERS = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "expect",
  "http2-settings",
  "host",
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-proto",
  "x-forwarded-host",
]);

/** The upstream request headers: the client's, minus hop-by-hop ones, plus Host and X-Forwarded-*. */
export function buildUpstreamHeaders(ex: Exchange, trustForwarded: boolean): string[] {
  const incoming = ex.req.headers;
  const out: string[] = [];
  const connection = incoming.connection;
  const listed = typeof connection === "string" && connection !== "keep-alive" && connection !== "close";
  for (const key in incoming) {
    if (key.charCodeAt(0) === 58 /* ":" pseudo-header */ || SKIP_REQUEST_HEADERS.has(key)) continue;
    if (listed && connectionListsHeader(connection, key)) continue;
    const value = incoming[key];
    if (value === undefined) continue;
    if (typeof value === "string") out.push(key, value);
    else for (const item of value) out.push(key, item);
  }
  const forwarded = forwardedHeaders({
    incomingFor: single(incoming["x-forwarded-for"]),
    incomingProto: single(incoming["x-forwarded-proto"]),
    incomingHost: single(incoming["x-forwarded-host"]),
    clientIp: normalizeIp(ex.clientAddr),
    scheme: ex.secure ? "https" : "http",
    host: ex.host,
    trust: trustForwarded,
  });
  out.push(
    "host",
    ex.host,
    "x-forwarded-for",
    forwarded.forwardedFor,
    "x-forwarded-proto",
    forwarded.forwardedProto,
    "x-forwarded-host",
    forwarded.forwardedHost,
  );
  return out;
}

/** The path and query sent upstream: the routed (possibly stripped) path and the raw query, verbatim. */
export function upstreamPath(ex: Exchange): string {
  return ex.query === "" ? ex.routedPath : `${ex.routedPath}?${ex.query}`;
}

/** A header that may repeat, as one string (values joined with ", "). */
export function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(", ") : value;
}

function connectionListsHeader(connection: string, header: string): boolean {
  for (const token of connection.split(",")) {
    if (token.trim().toLowerCase() === header) return true;
  }
  return false;
}
