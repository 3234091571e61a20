// Pause controller: running / paused (requests held up to fail_after, then 504) / stopped (503 maintenance page).

export type PauseState = "running" | "paused" | "stopped";
export type PauseWaitResult = "proceed" | "timed-out" | "stopped";

const STATE_CODES: Record<PauseState, number> = { running: 0, paused: 1, stopped: 2 };

/** The state-file shape (kamal-proxy's PauseController JSON; fail_after in nanoseconds). */
export interface PauseControllerJson {
  state: number;
  stop_message: string;
  fail_after: number;
}

/** Holds or rejects requests while a service is paused or stopped. */
export class PauseController {
  private current: PauseState = "running";
  private message = "";
  private failAfterMs = 0;
  private waiters = new Set<(result: PauseWaitResult) => void>();

  get state(): PauseState {
    return this.current;
  }

  get stopMessage(): string {
    return this.message;
  }

  /** Hold new requests for up to `failAfterMs` each. */
  pause(failAfterMs: number): void {
    this.current = "paused";
    this.failAfterMs = failAfterMs;
  }

  /** Answer new requests with the 503 page (and release held ones with it). */
  stop(message: string): void {
    this.message = message;
    this.setState("stopped");
  }

  /** Serve normally again; held requests proceed. */
  resume(): void {
    this.setState("running");
  }

  /** "proceed" synchronously while running; otherwise a promise of what the request should do. */
  wait(): PauseWaitResult | Promise<PauseWaitResult> {
    if (this.current === "running") return "proceed";
    if (this.current === "stopped") return "stopped";
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters.delete(done);
        resolve("timed-out");
      }, this.failAfterMs);
      const done = (result: PauseWaitResult) => {
        clearTimeout(timer);
        resolve(result);
      };
      this.waiters.add(done);
    });
  }

  toJSON(): PauseControllerJson {
    return {
      state: STATE_CODES[this.current],
      stop_message: this.message,
      fail_after: Math.round(this.failAfterMs * 1e6),
    };
  }

  /** Restore from the state file. */
  static fromJSON(json: Partial<PauseControllerJson> | null | undefined): PauseController {
    const controller = new PauseController();
    if (!json) return controller;
    const failAfterMs = (json.fail_after ?? 0) / 1e6;
    if (json.state === 1) controller.pause(failAfterMs);
    else if (json.state === 2) controller.stop(json.stop_message ?? "");
    return controller;
  }

  private setState(state: PauseState): void {
    if (this.current === state) return;
    const wasPaused = this.current === "paused";
    this.current = state;
    if (wasPaused) {
      const result: PauseWaitResult = state === "stopped" ? "stopped" : "proceed";
      const waiters = this.waiters;
      this.waiters = new Set();
      for (const release of waiters) release(result);
    }
  }
}
