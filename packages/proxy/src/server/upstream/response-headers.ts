// The response head sent to the client for a target's answer: the target's headers minus hop-by-hop ones, Set-Cookie
// paths scoped (--scope-cookie-paths), X-Writer-Affinity consumed and the kamal-writer cookie added. Shared by the
// undici path (upstream/response.ts) and the lean path (upstream/lean-upstream.ts).
import type { Exchange } from "../exchange.js";
import { scopeSetCookie } from "../middleware/cookie-scope.js";
import { bypassesResponseBuffer } from "../middleware/response-buffer.js";
import { writerCookie } from "../middleware/writer-affinity.js";

/** The filtered headers (flat name/value list, names as the target sent them) and whether it is an event stream. */
export interface ClientResponseHeaders {
  headers: string[];
  eventStream: boolean;
}

/**
 * Filter the target's response headers (flat name/value list); records the content type on the exchange. `decode`
 * turns an entry into a string (undici hands out Buffers).
 */
export function clientResponseHeaders<T>(
  ex: Exchange,
  raw: readonly T[],
  decode: (item: T) => string,
): ClientResponseHeaders {
  const out: string[] = [];
  let optOut = false;
  let eventStream = false;
  for (let i = 0; i < raw.length; i += 2) {
    const name = decode(raw[i]!);
    let value = decode(raw[i + 1]!);
    switch (name.length) {
      case 2:
        if (name.toLowerCase() === "te") continue;
        break;
      case 7: {
        const lower = name.toLowerCase();
        if (lower === "upgrade" || lower === "trailer") continue;
        break;
      }
      case 10: {
        const lower = name.toLowerCase();
        if (lower === "connection" || lower === "keep-alive") continue;
        if (lower === "set-cookie" && ex.cookieScopePrefix !== "") {
          value = scopeSetCookie(value, ex.cookieScopePrefix, ex.host);
        }
        break;
      }
      case 12:
        if (name.toLowerCase() === "content-type") {
          ex.respContentType = value;
          if (bypassesResponseBuffer(value)) eventStream = true;
        }
        break;
      case 16:
        if (name.toLowerCase() === "proxy-connection") continue;
        break;
      case 17: {
        const lower = name.toLowerCase();
        if (lower === "transfer-encoding") continue;
        if (lower === "x-writer-affinity" && ex.writerAffinityMs > 0) {
          if (value === "false") optOut = true;
          continue;
        }
        break;
      }
    }
    out.push(name, value);
  }
  if (ex.writerAffinityMs > 0 && !optOut) out.push("set-cookie", writerCookie(ex.writerAffinityMs));
  return { headers: out, eventStream };
}
