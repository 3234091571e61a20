import { describe, expect, it } from "vitest";
import { fakeExchange } from "../../../test/helpers.js";
import { applyClientIpHeader } from "./client-ip.js";

describe("applyClientIpHeader", () => {
  it("copies the configured header into X-Forwarded-For", () => {
    const { ex } = fakeExchange({ headers: { "true-client-ip": " 203.0.113.7 ", "x-forwarded-for": "9.9.9.9" } });
    applyClientIpHeader(ex, "True-Client-IP");
    expect(ex.req.headers["x-forwarded-for"]).toBe("203.0.113.7");
  });

  it("does nothing when unset or absent", () => {
    const { ex } = fakeExchange({ headers: { "x-forwarded-for": "9.9.9.9" } });
    applyClientIpHeader(ex, "");
    applyClientIpHeader(ex, "CF-Connecting-IP");
    expect(ex.req.headers["x-forwarded-for"]).toBe("9.9.9.9");
  });
});
