import { describe, expect, it } from "vitest";
import { scopeSetCookie } from "./cookie-scope.js";

describe("scopeSetCookie", () => {
  it("puts cookie paths under the prefix", () => {
    expect(scopeSetCookie("a=1; Path=/", "/app", "x.com")).toBe("a=1; Path=/app");
    expect(scopeSetCookie("a=1; Path=/admin; HttpOnly", "/app", "x.com")).toBe("a=1; Path=/app/admin; HttpOnly");
    expect(scopeSetCookie("a=1", "/app", "x.com")).toBe("a=1; Path=/app");
  });

  it("leaves cookies for other domains alone and accepts the request host", () => {
    expect(scopeSetCookie("a=1; Domain=other.com; Path=/", "/app", "x.com")).toBe("a=1; Domain=other.com; Path=/");
    expect(scopeSetCookie("a=1; Domain=x.com; Path=/", "/app", "x.com:8080")).toBe("a=1; Domain=x.com; Path=/app");
  });
});
