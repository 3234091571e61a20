/**
 * @module
 * What Ctrl-C means while dhow holds the deploy lock. Kamal (and dhow before) released the lock and exited at
 * once, while commands already sent to the hosts went on without it: a `kamal-proxy deploy` in flight still
 * switched traffic seconds later, the old container kept running and `latest` was not moved, and the next
 * deploy stopped the live container as "stale". dhow instead lets every step already under way on a host
 * finish, starts no new step, completes the switch of any host whose proxy did switch (old container
 * stopped, `latest` tagged), releases the lock and reports what each host now serves. A second Ctrl-C
 * aborts at once (the lock is still released). Outside the lock (build, push, pull) Ctrl-C exits at once:
 * nothing on a host depends on those steps finishing. See docs/interrupts.md.
 *
 * Flows ask `ctx.state.interruption`; the CLI turns signals into `request()` / `force()`.
 */
import { InterruptedError } from "../../errors.js";

/** Work that must run even after a graceful interrupt (lock release, finishing a switch). */
export type Cleanup = () => Promise<void>;

/** The interrupt state of one run. */
export class Interruption {
  #requested = false;
  #criticalDepth = 0;
  readonly #onForce = new Set<Cleanup>();
  readonly #onRequest = new Set<() => void>();
  readonly #onCritical = new Set<(critical: boolean) => void>();

  /** Whether Ctrl-C was pressed during a critical section. */
  get requested(): boolean {
    return this.#requested;
  }

  /** Whether a critical section (work under the deploy lock) is running: Ctrl-C is then graceful. */
  get critical(): boolean {
    return this.#criticalDepth > 0;
  }

  /** Asks the running work to stop after the steps under way. */
  request(): void {
    if (this.#requested) return;
    this.#requested = true;
    for (const listener of this.#onRequest) listener();
  }

  /** Calls `listener` when an interrupt is requested (at once if it already was); returns the unsubscriber. */
  onRequest(listener: () => void): () => void {
    if (this.#requested) {
      listener();
      return () => {};
    }
    this.#onRequest.add(listener);
    return () => {
      this.#onRequest.delete(listener);
    };
  }

  /** Throws InterruptedError when an interrupt was requested: call before starting a new step. */
  throwIfRequested(): void {
    if (this.#requested) throw new InterruptedError();
  }

  /** Waits `ms`, or less when an interrupt is requested meanwhile. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      let unsubscribe = () => {};
      const timer = setTimeout(() => {
        unsubscribe();
        resolve();
      }, ms);
      unsubscribe = this.onRequest(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * `work`'s result, or InterruptedError as soon as an interrupt is requested (the remote command goes on by
   * itself; use it only for commands that merely read, such as a dependency's health wait).
   */
  async until<T>(work: Promise<T>): Promise<T> {
    work.catch(() => {});
    let unsubscribe = () => {};
    const interrupted = new Promise<never>((_, reject) => {
      unsubscribe = this.onRequest(() => reject(new InterruptedError()));
    });
    interrupted.catch(() => {});
    try {
      return await Promise.race([work, interrupted]);
    } finally {
      unsubscribe();
    }
  }

  /** Runs `work` as a critical section; `onForce` runs (best effort) when the user aborts with a second Ctrl-C. */
  async criticalSection<T>(work: () => Promise<T>, onForce?: Cleanup): Promise<T> {
    if (this.#criticalDepth++ === 0) for (const listener of this.#onCritical) listener(true);
    if (onForce) this.#onForce.add(onForce);
    try {
      return await work();
    } finally {
      if (onForce) this.#onForce.delete(onForce);
      if (--this.#criticalDepth === 0) for (const listener of this.#onCritical) listener(false);
    }
  }

  /** Calls `listener(true)` when the first critical section starts and `listener(false)` when the last ends. */
  onCriticalChange(listener: (critical: boolean) => void): () => void {
    this.#onCritical.add(listener);
    return () => {
      this.#onCritical.delete(listener);
    };
  }

  /** The second Ctrl-C: runs the registered cleanups (each bounded by `timeoutMs`), newest first. */
  async force(timeoutMs = 5000): Promise<void> {
    for (const cleanup of [...this.#onForce].reverse()) {
      await Promise.race([cleanup().catch(() => {}), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
    }
  }
}
