/**
 * @module
 * Running programs for the scenarios (a test tool outside packages/, so it does not go through
 * packages/dhow/src/remote): always asynchronous, output captured, with a timeout.
 */
import { spawn } from "node:child_process";

/** What a finished process gave back. */
export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Seconds it took. */
  readonly seconds: number;
}

/** Options of `exec`. */
export interface ExecOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: string;
  /** Kill the process (SIGKILL) after this many ms; the result then has code 124. */
  readonly timeoutMs?: number;
  /** Called with every chunk of output as it arrives (e.g. to stream a long step). */
  readonly onOutput?: (chunk: string) => void;
  /** Sends SIGINT (as Ctrl-C does) once the output so far matches, after `delayMs`. */
  readonly interrupt?: { readonly when: RegExp; readonly delayMs?: number };
}

/** Default for `exec`: long enough for a build and a deploy on a slow machine. */
export const DEFAULT_EXEC_TIMEOUT_MS = 300_000;

/** Runs a program (no shell) and resolves with its result, whatever the exit code. */
export function exec(file: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let seen = "";
    let interruptSent = false;
    const watchForInterrupt = (chunk: Buffer) => {
      if (!options.interrupt || interruptSent) return;
      seen += chunk.toString("utf8");
      if (!options.interrupt.when.test(seen)) return;
      interruptSent = true;
      setTimeout(() => child.kill("SIGINT"), options.interrupt.delayMs ?? 0);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS);
    child.stdout.on("data", (chunk: Buffer) => {
      out.push(chunk);
      watchForInterrupt(chunk);
      options.onOutput?.(chunk.toString("utf8"));
    });
    child.stderr.on("data", (chunk: Buffer) => {
      err.push(chunk);
      watchForInterrupt(chunk);
      options.onOutput?.(chunk.toString("utf8"));
    });
    child.stdin.on("error", () => {});
    child.stdin.end(options.input ?? "");
    child.on("error", (error) => err.push(Buffer.from(`${error.message}\n`)));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString("utf8");
      resolve({
        // Killed by a signal: the shell's 128 + number (SIGINT → 130).
        code: timedOut ? 124 : (code ?? 128 + (signal === "SIGINT" ? 2 : signal === "SIGTERM" ? 15 : 9)),
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: timedOut ? `${stderr}\n(killed after ${options.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS} ms)` : stderr,
        seconds: (performance.now() - started) / 1000,
      });
    });
  });
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The last `lines` lines of a text, for failure messages. */
export function tail(text: string, lines = 30): string {
  const all = text.trimEnd().split("\n");
  return (all.length > lines ? [`… (${all.length - lines} lines above)`, ...all.slice(-lines)] : all).join("\n");
}
