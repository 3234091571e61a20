import { describe, expect, it } from "vitest";
import { Interruption } from "../flows/runtime/interruption.js";
import { type SignalTarget, wireInterrupts } from "./interrupt-signals.js";

function fakeSignals() {
  const listeners = new Set<() => void>();
  const target: SignalTarget & { listeners: Set<() => void>; exits: number; send(): void } = {
    listeners,
    exits: 0,
    on: (_signal, listener) => listeners.add(listener),
    removeListener: (_signal, listener) => listeners.delete(listener),
    exitInterrupted: () => {
      target.exits++;
    },
    send: () => {
      for (const listener of [...listeners]) listener();
    },
  };
  return target;
}

describe("wireInterrupts", () => {
  it("leaves SIGINT alone outside critical sections", async () => {
    const interruption = new Interruption();
    const signals = fakeSignals();
    const warnings: string[] = [];
    const unwire = wireInterrupts(interruption, { warn: (m) => warnings.push(m) }, signals);
    expect(signals.listeners.size).toBe(0);
    await interruption.criticalSection(async () => expect(signals.listeners.size).toBe(1));
    expect(signals.listeners.size).toBe(0);
    unwire();
    expect(warnings).toEqual([]);
  });

  it("first Ctrl-C asks to stop after the steps under way; the second releases and exits at once", async () => {
    const interruption = new Interruption();
    const signals = fakeSignals();
    const warnings: string[] = [];
    wireInterrupts(interruption, { warn: (m) => warnings.push(m) }, signals);
    let released = 0;
    let finish!: () => void;
    const section = interruption.criticalSection(
      () => new Promise<void>((resolve) => (finish = resolve)),
      async () => {
        released++;
      },
    );
    signals.send();
    expect(interruption.requested).toBe(true);
    expect(signals.exits).toBe(0);
    expect(warnings[0]).toMatch(/letting the steps under way on each host finish/);
    signals.send();
    await new Promise((resolve) => setImmediate(resolve));
    expect(released).toBe(1);
    expect(signals.exits).toBe(1);
    expect(warnings[1]).toMatch(/Aborting at once/);
    finish();
    await section;
  });
});
