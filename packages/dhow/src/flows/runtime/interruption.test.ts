import { describe, expect, it } from "vitest";
import { InterruptedError } from "../../errors.js";
import { Interruption } from "./interruption.js";

describe("Interruption", () => {
  it("throws InterruptedError at checkpoints once requested", () => {
    const interruption = new Interruption();
    expect(() => interruption.throwIfRequested()).not.toThrow();
    interruption.request();
    expect(interruption.requested).toBe(true);
    expect(() => interruption.throwIfRequested()).toThrow(InterruptedError);
  });

  it("is critical only inside criticalSection, and tells listeners when that changes", async () => {
    const interruption = new Interruption();
    const changes: boolean[] = [];
    interruption.onCriticalChange((critical) => changes.push(critical));
    expect(interruption.critical).toBe(false);
    await interruption.criticalSection(async () => {
      expect(interruption.critical).toBe(true);
      await interruption.criticalSection(async () => expect(interruption.critical).toBe(true));
    });
    expect(interruption.critical).toBe(false);
    expect(changes).toEqual([true, false]);
  });

  it("runs the force cleanups of open sections only, newest first", async () => {
    const interruption = new Interruption();
    const ran: string[] = [];
    await interruption.criticalSection(
      async () => {},
      async () => void ran.push("closed"),
    );
    let release!: () => void;
    const running = interruption.criticalSection(
      () => new Promise<void>((resolve) => (release = resolve)),
      async () => void ran.push("outer"),
    );
    const inner = interruption.criticalSection(
      () => new Promise<void>(() => {}),
      async () => void ran.push("inner"),
    );
    await interruption.force();
    expect(ran).toEqual(["inner", "outer"]);
    release();
    await running;
    void inner;
  });

  it("ends sleep early when an interrupt is requested", async () => {
    const interruption = new Interruption();
    const slept = interruption.sleep(60_000);
    interruption.request();
    await expect(slept).resolves.toBeUndefined();
  });

  it("until: the work's result, or InterruptedError as soon as an interrupt is requested", async () => {
    const interruption = new Interruption();
    await expect(interruption.until(Promise.resolve(7))).resolves.toBe(7);
    const waiting = interruption.until(new Promise<never>(() => {}));
    interruption.request();
    await expect(waiting).rejects.toBeInstanceOf(InterruptedError);
  });
});
