import { describe, expect, it } from "vitest";
import { fakeExchange } from "../../../test/helpers.js";
import { handleRedirect, redirectUrl } from "./redirect.js";

const settings = { tlsEnabled: true, tlsRedirect: true, canonicalHost: "", httpsPort: 443 };

describe("redirect", () => {
  it("sends HTTP to HTTPS with 301 and Connection: close, keeping path and query", () => {
    const { ex, res } = fakeExchange({ url: "/a?b=1", headers: { host: "app.com" } });
    expect(handleRedirect(ex, settings)).toBe(true);
    expect(res.status).toBe(301);
    expect(res.headers).toMatchObject({ location: "https://app.com/a?b=1", connection: "close" });
  });

  it("does not redirect when TLS redirect is off or the request is already secure", () => {
    expect(redirectUrl(fakeExchange().ex, { ...settings, tlsRedirect: false })).toBeUndefined();
    expect(redirectUrl(fakeExchange({ secure: true }).ex, settings)).toBeUndefined();
  });

  it("redirects other hosts to the canonical host on the same scheme", () => {
    const { ex } = fakeExchange({ headers: { host: "www.app.com" }, secure: true });
    expect(redirectUrl(ex, { ...settings, canonicalHost: "app.com" })).toBe("https://app.com/");
    const plain = fakeExchange({ headers: { host: "www.app.com" } }).ex;
    expect(redirectUrl(plain, { ...settings, tlsEnabled: false, canonicalHost: "app.com" })).toBe("http://app.com/");
    expect(
      redirectUrl(fakeExchange({ headers: { host: "app.com" }, secure: true }).ex, {
        ...settings,
        canonicalHost: "app.com",
      }),
    ).toBeUndefined();
  });

  it("keeps a non-default HTTPS port in the Location", () => {
    expect(redirectUrl(fakeExchange({ headers: { host: "app.com:8080" } }).ex, { ...settings, httpsPort: 8443 })).toBe(
      "https://app.com:8443/",
    );
  });
});
