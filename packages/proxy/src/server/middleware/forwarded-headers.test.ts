import { describe, expect, it } from "vitest";
import { forwardedHeaders, normalizeIp } from "./forwarded-headers.js";

const base = {
  incomingFor: "1.1.1.1",
  incomingProto: "https",
  incomingHost: "front.example",
  clientIp: "10.0.0.9",
  scheme: "http",
  host: "app.example",
};

describe("forwardedHeaders", () => {
  it("drops incoming values when not trusted (the default with TLS)", () => {
    expect(forwardedHeaders({ ...base, trust: false })).toEqual({
      forwardedFor: "10.0.0.9",
      forwardedProto: "http",
      forwardedHost: "app.example",
    });
  });

  it("appends to XFF and prefers incoming Proto/Host when trusted", () => {
    expect(forwardedHeaders({ ...base, trust: true })).toEqual({
      forwardedFor: "1.1.1.1, 10.0.0.9",
      forwardedProto: "https",
      forwardedHost: "front.example",
    });
  });

  it("falls back to what the proxy saw when trusted values are absent", () => {
    expect(
      forwardedHeaders({
        ...base,
        incomingFor: undefined,
        incomingProto: undefined,
        incomingHost: undefined,
        trust: true,
      }),
    ).toEqual({ forwardedFor: "10.0.0.9", forwardedProto: "http", forwardedHost: "app.example" });
  });

  it("normalizes IPv4-mapped addresses", () => {
    expect(normalizeIp("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(normalizeIp("::1")).toBe("::1");
  });
});
