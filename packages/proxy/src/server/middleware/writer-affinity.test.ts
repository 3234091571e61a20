import { describe, expect, it } from "vitest";
import { fakeExchange } from "../../../test/helpers.js";
import { hasWriterCookie, isReadRequest, isWebSocketRequest, writerCookie } from "./writer-affinity.js";

describe("writer affinity", () => {
  it("treats GET/HEAD as reads and WebSocket upgrades as writes unless readers accept them", () => {
    expect(isReadRequest(fakeExchange({ method: "GET" }).ex, false)).toBe(true);
    expect(isReadRequest(fakeExchange({ method: "HEAD" }).ex, false)).toBe(true);
    expect(isReadRequest(fakeExchange({ method: "POST" }).ex, false)).toBe(false);
    const ws = fakeExchange({ headers: { upgrade: "websocket", connection: "Upgrade" } }).ex;
    expect(isWebSocketRequest(ws)).toBe(true);
    expect(isReadRequest(ws, false)).toBe(false);
    expect(isReadRequest(ws, true)).toBe(true);
  });

  it("honours an unexpired kamal-writer cookie", () => {
    expect(hasWriterCookie(fakeExchange({ headers: { cookie: "a=1; kamal-writer=2000" } }).ex, 1000)).toBe(true);
    expect(hasWriterCookie(fakeExchange({ headers: { cookie: "kamal-writer=500" } }).ex, 1000)).toBe(false);
    expect(hasWriterCookie(fakeExchange({ headers: { cookie: "kamal-writer=abc" } }).ex, 1000)).toBe(false);
  });

  it("formats the cookie as kamal-proxy does", () => {
    expect(writerCookie(1000, Date.UTC(2025, 0, 1))).toBe(
      `kamal-writer=${Date.UTC(2025, 0, 1) + 1000}; Path=/; Expires=Wed, 01 Jan 2025 00:00:02 GMT; HttpOnly`,
    );
  });
});
