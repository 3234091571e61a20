// Cookie-scope middleware (--scope-cookie-paths): rewrites Set-Cookie paths to live under the matched path prefix.
import { stripPort } from "../service-map.js";

/** Rewrite one Set-Cookie value so its Path sits under `prefix`; cookies for other domains are left alone. */
export function scopeSetCookie(value: string, prefix: string, requestHost: string): string {
  const host = stripPort(requestHost);
  const parts = value.split(";");
  let path = "";
  let pathIndex = -1;
  let domain = "";
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!.trim();
    const eq = part.indexOf("=");
    const key = (eq === -1 ? part : part.slice(0, eq)).toLowerCase();
    const attr = eq === -1 ? "" : part.slice(eq + 1);
    if (key === "path") {
      path = attr;
      pathIndex = i;
    } else if (key === "domain") {
      domain = attr.replace(/^\./, "");
    }
  }
  if (domain !== "" && domain !== host) return value;
  const trimmed = path.replace(/^\/+|\/+$/g, "");
  const scoped = trimmed === "" ? prefix : `${prefix.replace(/\/+$/, "")}/${trimmed}`;
  if (pathIndex === -1) return `${value}; Path=${scoped}`;
  parts[pathIndex] = ` Path=${scoped}`;
  return parts.join(";");
}
