// Writer-affinity middleware: after a write, reads stick to the writers for --writer-affinity-timeout (kamal-writer).
import { WRITER_COOKIE_NAME } from "../../defaults.js";
import { getCookie } from "../cookies.js";
import type { Exchange } from "../exchange.js";

/** GET/HEAD are reads; WebSocket upgrades count as writes unless readers accept them. */
export function isReadRequest(ex: Exchange, readersAcceptWebsockets: boolean): boolean {
  if (ex.method !== "GET" && ex.method !== "HEAD") return false;
  return readersAcceptWebsockets || !isWebSocketRequest(ex);
}

/** A WebSocket handshake: GET with Upgrade: websocket and Connection: upgrade. */
export function isWebSocketRequest(ex: Exchange): boolean {
  const headers = ex.req.headers;
  const upgrade = headers.upgrade;
  const connection = headers.connection;
  return (
    ex.method === "GET" &&
    typeof upgrade === "string" &&
    upgrade.toLowerCase() === "websocket" &&
    typeof connection === "string" &&
    connection.toLowerCase().includes("upgrade")
  );
}

/** True when the client holds a kamal-writer cookie that has not expired. */
export function hasWriterCookie(ex: Exchange, nowMs: number = Date.now()): boolean {
  const value = getCookie(ex.req.headers.cookie, WRITER_COOKIE_NAME);
  if (value === undefined || !/^-?\d+$/.test(value)) return false;
  return nowMs < Number(value);
}

/** The Set-Cookie value marking a write: `kamal-writer=<expiry ms>; Path=/; Expires=<expiry+1s>; HttpOnly`. */
export function writerCookie(timeoutMs: number, nowMs: number = Date.now()): string {
  const expires = nowMs + timeoutMs;
  return `${WRITER_COOKIE_NAME}=${expires}; Path=/; Expires=${new Date(expires + 1000).toUTCString()}; HttpOnly`;
}
