// Redirect middleware: HTTP→HTTPS (--tls-redirect) and canonical host (--canonical-host), both 301 + Connection: close.
import type { Exchange } from "../exchange.js";
import { stripPort } from "../service-map.js";

export interface RedirectSettings {
  tlsEnabled: boolean;
  tlsRedirect: boolean;
  canonicalHost: string;
  /** The HTTPS listener port; appended to the Location when it is not 443. */
  httpsPort: number;
}

/** The absolute URL to redirect to, or undefined when the request is already on the right scheme and host. */
export function redirectUrl(ex: Exchange, settings: RedirectSettings): string | undefined {
  const host = stripPort(ex.host);
  const currentScheme = ex.secure ? "https" : "http";
  const desiredScheme = settings.tlsEnabled && settings.tlsRedirect && !ex.secure ? "https" : currentScheme;
  const desiredHost = settings.canonicalHost !== "" && host !== settings.canonicalHost ? settings.canonicalHost : host;
  if (desiredScheme === currentScheme && desiredHost === host) return undefined;
  let authority = desiredHost;
  if (desiredScheme === "https" && settings.httpsPort !== 443) authority += `:${settings.httpsPort}`;
  else if (desiredScheme === currentScheme && desiredScheme === "http" && ex.listenPort !== 80) {
    authority += `:${ex.listenPort}`;
  }
  return `${desiredScheme}://${authority}${ex.req.url ?? "/"}`;
}

/** Send the redirect when one is needed; returns true when the request was answered. */
export function handleRedirect(ex: Exchange, settings: RedirectSettings): boolean {
  const location = redirectUrl(ex, settings);
  if (location === undefined) return false;
  ex.status = 301;
  const body = `<a href="${location.replace(/"/g, "&#34;")}">Moved Permanently</a>.\n\n`;
  const headers: Record<string, string | number> = {
    location,
    "content-type": "text/html; charset=utf-8",
    "content-length": Buffer.byteLength(body),
  };
  if (!ex.http2) headers.connection = "close";
  ex.res.writeHead(301, headers);
  ex.res.end(body);
  ex.respBytes += Buffer.byteLength(body);
  return true;
}
