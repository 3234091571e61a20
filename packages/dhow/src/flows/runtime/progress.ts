/**
 * @module
 * Progress of long steps (build, push, pull, health waits). In a terminal, a status line at the bottom shows
 * every running phase with its elapsed time, redrawn each second and cleared around every other line the
 * logger prints. Piped (or at -v), each phase prints a start line and a finish line instead. Quiet prints
 * nothing. Flows ask `progressOf(ctx)`; the CLI turns the live mode on with `withLiveProgress`.
 */
import type { HostLogger, Logger } from "../../output/logger.js";
import type { DeployContext } from "./context.js";

/** One phase of the work, optionally on a host. */
export interface Phase {
  readonly label: string;
  readonly host?: string | undefined;
}

/** Tracks phases. */
export interface Progress {
  /** Runs `work` as `phase`, showing it while it runs and its duration when it ends. */
  track<T>(phase: Phase, work: () => Promise<T>): Promise<T>;
}

export interface LiveProgressOptions {
  /** Whether output goes to a terminal (else phases print plain lines). */
  readonly live: boolean;
  /** Redraw interval of the status line (default 1 s). */
  readonly intervalMs?: number;
  /** Terminal width (the status line is cut to it). */
  readonly columns?: number;
  readonly now?: () => number;
}

/** The redraw interval of the live status line. */
export const DEFAULT_PROGRESS_INTERVAL_MS = 1000;
const CLEAR_LINE = "\r\u001b[2K";

/** The progress of this context's output (plain start/finish lines unless `withLiveProgress` set it up). */
export function progressOf(ctx: Pick<DeployContext, "logger">): Progress {
  let progress = PROGRESS_BY_LOGGER.get(ctx.logger);
  if (!progress) {
    progress = plainProgress(ctx.logger, Date.now);
    PROGRESS_BY_LOGGER.set(ctx.logger, progress);
  }
  return progress;
}

/**
 * The same context with live progress when `live` (a status line in the terminal), and `stop()` to clear it.
 * Every line the logger prints first clears the status line, then redraws it.
 */
export function withLiveProgress(
  ctx: DeployContext,
  { live, intervalMs = DEFAULT_PROGRESS_INTERVAL_MS, columns = 100, now = Date.now }: LiveProgressOptions,
): { ctx: DeployContext; stop(): void } {
  if (!live || ctx.logger.verbosity !== "normal") return { ctx, stop: () => {} };
  const inner = ctx.logger;
  const status = new StatusLine({ write: (text) => inner.output(text), intervalMs, columns, now });
  const around =
    <A extends unknown[], R>(fn: (...args: A) => R) =>
    (...args: A): R => {
      status.clear();
      try {
        return fn(...args);
      } finally {
        status.draw();
      }
    };
  const logger: Logger = {
    verbosity: inner.verbosity,
    say: around(inner.say),
    // Live mode runs only at normal verbosity, where debug lines and command echoes print nothing.
    debug: inner.debug,
    warn: around(inner.warn),
    error: around(inner.error),
    output: around(inner.output),
    outputByHost: around(inner.outputByHost),
    forHost: (host): HostLogger => {
      const hostLogger = inner.forHost(host);
      return { host, command: hostLogger.command, info: around(hostLogger.info) };
    },
  };
  PROGRESS_BY_LOGGER.set(logger, {
    track: async (phase, work) => {
      const id = status.start(phase);
      const started = now();
      try {
        const result = await work();
        status.finish(id);
        finishedLine(logger, phase, now() - started);
        return result;
      } catch (error) {
        status.finish(id);
        throw error;
      }
    },
  });
  return { ctx: withLogger(ctx, logger), stop: () => status.stop() };
}

/** Seconds with one decimal: `12.3s`. */
export function formatElapsed(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

const PROGRESS_BY_LOGGER = new WeakMap<Logger, Progress>();

function plainProgress(logger: Logger, now: () => number): Progress {
  return {
    track: async (phase, work) => {
      phaseLine(logger, phase, `${phase.label}...`);
      const started = now();
      const result = await work();
      finishedLine(logger, phase, now() - started);
      return result;
    },
  };
}

function finishedLine(logger: Logger, phase: Phase, ms: number): void {
  phaseLine(logger, phase, `${phase.label} done in ${formatElapsed(ms)}`);
}

function phaseLine(logger: Logger, phase: Phase, text: string): void {
  if (phase.host === undefined) logger.say(`  ${text}`);
  else logger.forHost(phase.host).info(text);
}

function withLogger(ctx: DeployContext, logger: Logger): DeployContext {
  return { ...ctx, logger, withVersion: (version) => withLogger(ctx.withVersion(version), logger) };
}

/** The bottom line listing running phases (`build 12s · 10.0.0.1 pull 3s`). */
class StatusLine {
  readonly #active = new Map<number, Phase & { started: number }>();
  readonly #write: (text: string) => void;
  readonly #intervalMs: number;
  readonly #columns: number;
  readonly #now: () => number;
  #nextId = 0;
  #drawn = false;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: { write: (text: string) => void; intervalMs: number; columns: number; now: () => number }) {
    this.#write = options.write;
    this.#intervalMs = options.intervalMs;
    this.#columns = options.columns;
    this.#now = options.now;
  }

  start(phase: Phase): number {
    const id = this.#nextId++;
    this.clear();
    this.#active.set(id, { ...phase, started: this.#now() });
    this.draw();
    if (!this.#timer) {
      this.#timer = setInterval(() => {
        this.clear();
        this.draw();
      }, this.#intervalMs);
      this.#timer.unref?.();
    }
    return id;
  }

  finish(id: number): void {
    this.clear();
    this.#active.delete(id);
    if (this.#active.size === 0) this.#stopTimer();
    this.draw();
  }

  clear(): void {
    if (!this.#drawn) return;
    this.#write(CLEAR_LINE);
    this.#drawn = false;
  }

  draw(): void {
    if (this.#active.size === 0 || this.#drawn) return;
    const now = this.#now();
    const parts = [...this.#active.values()].map(
      (phase) =>
        `${phase.host === undefined ? "" : `${phase.host} `}${phase.label} ${Math.floor((now - phase.started) / 1000)}s`,
    );
    const text = `  ${parts.join(" · ")}`;
    this.#write(text.length > this.#columns - 1 ? `${text.slice(0, this.#columns - 2)}…` : text);
    this.#drawn = true;
  }

  stop(): void {
    this.clear();
    this.#active.clear();
    this.#stopTimer();
  }

  #stopTimer(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
