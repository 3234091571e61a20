import { describe, expect, it } from "vitest";
import { BarrierClosedError, createBarrier } from "./barrier.js";

describe("barrier", () => {
  it("is decided once: the first open or close wins", async () => {
    const barrier = createBarrier();
    const waiting = barrier.wait();
    expect(barrier.state).toBeUndefined();
    expect(barrier.open()).toBe(true);
    expect(barrier.close()).toBe(false);
    await expect(waiting).resolves.toBeUndefined();
    expect(barrier.state).toBe("open");
  });

  it("makes waiters fail with 'Halted at barrier' once closed", async () => {
    const barrier = createBarrier();
    const waiting = barrier.wait();
    expect(barrier.close()).toBe(true);
    await expect(waiting).rejects.toThrow(BarrierClosedError);
    await expect(barrier.wait()).rejects.toThrow("Halted at barrier");
    expect(barrier.open()).toBe(false);
  });
});
