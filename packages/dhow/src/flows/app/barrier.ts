/**
 * @module
 * The primary-role barrier of `app boot` (Kamal's `Healthcheck::Barrier`): set once, by the first primary
 * container that becomes healthy (open) or fails (close). Other roles wait at it and boot only if it opened.
 */
import { BootError } from "../../errors.js";

/** The barrier closed: a primary-role container failed first. */
export class BarrierClosedError extends BootError {
  constructor() {
    super("Halted at barrier");
  }
}

/** A one-shot gate. */
export interface Barrier {
  /** Opens it; true if this call decided its state. */
  open(): boolean;
  /** Closes it; true if this call decided its state. */
  close(): boolean;
  /** Resolves once opened; rejects with BarrierClosedError once closed. */
  wait(): Promise<void>;
  /** undefined until set. */
  readonly state: "open" | "closed" | undefined;
}

/** A fresh, unset barrier. */
export function createBarrier(): Barrier {
  let state: "open" | "closed" | undefined;
  let settle!: (opened: boolean) => void;
  const settled = new Promise<boolean>((resolve) => {
    settle = resolve;
  });
  const set = (value: "open" | "closed"): boolean => {
    if (state !== undefined) return false;
    state = value;
    settle(value === "open");
    return true;
  };
  return {
    open: () => set("open"),
    close: () => set("closed"),
    wait: async () => {
      if (!(await settled)) throw new BarrierClosedError();
    },
    get state() {
      return state;
    },
  };
}
