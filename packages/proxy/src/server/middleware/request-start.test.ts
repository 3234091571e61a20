import { describe, expect, it } from "vitest";
import { fakeExchange } from "../../../test/helpers.js";
import { applyRequestStart } from "./request-start.js";

describe("applyRequestStart", () => {
  it("sets X-Request-Start: t=<unix ms> when absent", () => {
    const { ex } = fakeExchange();
    applyRequestStart(ex, 1700000000123);
    expect(ex.req.headers["x-request-start"]).toBe("t=1700000000123");
  });

  it("keeps a value set by a proxy in front", () => {
    const { ex } = fakeExchange({ headers: { "x-request-start": "t=1" } });
    applyRequestStart(ex, 2);
    expect(ex.req.headers["x-request-start"]).toBe("t=1");
  });
});
