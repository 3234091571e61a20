import { describe, expect, it } from "vitest";
import { fakeExchange } from "../../../test/helpers.js";
import { applyRequestId } from "./request-id.js";

describe("applyRequestId", () => {
  it("assigns a UUIDv4 when the client sent none", () => {
    const { ex } = fakeExchange();
    applyRequestId(ex);
    expect(ex.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ex.req.headers["x-request-id"]).toBe(ex.requestId);
  });

  it("keeps a client-supplied id", () => {
    const { ex } = fakeExchange({ headers: { "x-request-id": "abc-123" } });
    applyRequestId(ex);
    expect(ex.requestId).toBe("abc-123");
  });
});
