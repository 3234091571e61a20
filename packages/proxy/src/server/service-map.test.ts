import { describe, expect, it } from "vitest";
import { prefixMatches, ServiceMap, stripPort, stripPrefix } from "./service-map.js";

const svc = (name: string, hosts: string[], pathPrefixes: string[] = ["/"]) => ({ name, hosts, pathPrefixes });

describe("ServiceMap", () => {
  const map = new ServiceMap([
    svc("exact", ["app.example.com"]),
    svc("api", ["app.example.com"], ["/api", "/api/v2"]),
    svc("wild", ["*.example.com"]),
    svc("default", [""]),
    svc("onlyapi", ["only.example.org"], ["/api"]),
  ]);
  const lookup = (host: string, path: string) => map.lookup(host, path)?.service.name;

  it("prefers the exact host, then the wildcard, then the catch-all", () => {
    expect(lookup("app.example.com", "/")).toBe("exact");
    expect(lookup("other.example.com", "/")).toBe("wild");
    expect(lookup("a.b.example.com", "/")).toBe("default");
    expect(lookup("unknown.net", "/x")).toBe("default");
  });

  it("ignores the port and is case-sensitive", () => {
    expect(lookup("app.example.com:8080", "/")).toBe("exact");
    expect(lookup("APP.example.com", "/")).toBe("wild");
  });

  it("matches the longest prefix on segment boundaries", () => {
    expect(lookup("app.example.com", "/api")).toBe("api");
    expect(lookup("app.example.com", "/api/users")).toBe("api");
    expect(lookup("app.example.com", "/apix")).toBe("exact");
    expect(map.lookup("app.example.com", "/api/v2/x")?.prefix).toBe("/api/v2");
  });

  it("does not fall through to the catch-all when the host has no matching prefix", () => {
    expect(lookup("only.example.org", "/other")).toBeUndefined();
    expect(lookup("only.example.org", "/api/x")).toBe("onlyapi");
  });

  it("finds conflicts with other services only", () => {
    expect(map.conflictingService("exact", ["app.example.com"], ["/"])).toBeUndefined();
    expect(map.conflictingService("new", ["app.example.com"], ["/"])).toBe("exact");
    expect(map.conflictingService("new", ["app.example.com"], ["/other"])).toBeUndefined();
    expect(map.conflictingService("new", [""], ["/"])).toBe("default");
  });

  it("finds the root service for a host, including via wildcard", () => {
    expect(map.rootServiceFor("app.example.com")?.name).toBe("exact");
    expect(map.rootServiceFor("x.example.com")?.name).toBe("wild");
    expect(map.rootServiceFor("only.example.org")).toBeUndefined();
  });

  it("returns nothing when no catch-all exists", () => {
    expect(new ServiceMap([svc("a", ["a.com"])]).lookup("b.com", "/")).toBeUndefined();
  });
});

describe("path helpers", () => {
  it("prefixMatches on segment boundaries", () => {
    expect(prefixMatches("/", "/anything")).toBe(true);
    expect(prefixMatches("/api", "/api")).toBe(true);
    expect(prefixMatches("/api", "/api/")).toBe(true);
    expect(prefixMatches("/api", "/apix")).toBe(false);
  });

  it("stripPrefix turns the empty rest into /", () => {
    expect(stripPrefix("/api", "/api")).toBe("/");
    expect(stripPrefix("/api", "/api/users")).toBe("/users");
    expect(stripPrefix("/", "/x")).toBe("/x");
  });

  it("stripPort keeps IPv6 literals", () => {
    expect(stripPort("a.com:80")).toBe("a.com");
    expect(stripPort("[::1]:80")).toBe("[::1]");
    expect(stripPort("a.com")).toBe("a.com");
  });
});
