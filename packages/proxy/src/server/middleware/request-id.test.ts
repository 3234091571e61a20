import { describe, expect, it } from "vitest";
import { fakeExchange } from "../../../test/helpers.js";
import { applyRequestId, randomRequestId } from "./request-id.js";

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

  it("makes well-formed, distinct UUIDv4s across refills of its random pool", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const id = randomRequestId();
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(2000);
    // Every hex digit shows up in every free position: the bytes are random, not a counter.
    const first = [...seen].map((id) => id[0]);
    expect(new Set(first).size).toBe(16);
  });
});
