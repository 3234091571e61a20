import { describe, expect, it } from "vitest";
import { fakeExchange } from "../../../test/helpers.js";
import { applyTargetHeader } from "./target-header.js";

describe("applyTargetHeader", () => {
  it("sets X-Kamal-Target to the target address", () => {
    const { ex } = fakeExchange({ headers: { "x-kamal-target": "spoofed" } });
    applyTargetHeader(ex, "web-1:3000", false);
    expect(ex.req.headers["x-kamal-target"]).toBe("web-1:3000");
  });

  it("appends to an incoming chain when forwarding headers", () => {
    const { ex } = fakeExchange({ headers: { "x-kamal-target": "lb:80" } });
    applyTargetHeader(ex, "web-1:3000", true);
    expect(ex.req.headers["x-kamal-target"]).toBe("lb:80, web-1:3000");
  });
});
