/**
 * @module
 * Small wrappers around node:child_process for the sandbox CLI (a test tool outside packages/, so it does
 * not go through packages/dhow/src/remote).
 */
import { spawn, spawnSync } from "node:child_process";

/** What a finished process gave back. */
export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options for `sh`/`shAsync`. */
export interface ExecOptions {
  readonly input?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Return the result instead of throwing on a non-zero exit. */
  readonly allowFailure?: boolean;
  readonly timeoutMs?: number;
}

/** A command exited non-zero (message: the command line and its stderr). */
export class ExecError extends Error {
  constructor(
    readonly commandLine: string,
    readonly result: ExecResult,
  ) {
    super(`${commandLine} failed (exit ${result.code}): ${result.stderr.trim() || result.stdout.trim()}`);
  }
}

/** Runs a program synchronously (no shell). */
export function run(file: string, args: readonly string[], options: ExecOptions = {}): ExecResult {
  const out = spawnSync(file, args, {
    encoding: "utf8",
    input: options.input ?? "",
    env: options.env ?? process.env,
    cwd: options.cwd,
    maxBuffer: 64 * 1024 * 1024,
    ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
  });
  const result: ExecResult = {
    code: out.status ?? 128,
    stdout: out.stdout ?? "",
    stderr: (out.stderr ?? "") + (out.error ? String(out.error.message) : ""),
  };
  if (result.code !== 0 && !options.allowFailure) throw new ExecError([file, ...args].join(" "), result);
  return result;
}

/** Runs a program without waiting (for parallel steps). */
export function runAsync(file: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ["pipe", "pipe", "pipe"],
      ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.stdin.on("error", () => {});
    child.stdin.end(options.input ?? "");
    child.on("error", (error) => err.push(Buffer.from(error.message)));
    child.on("close", (code) => {
      const result = {
        code: code ?? 128,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      };
      if (result.code !== 0 && !options.allowFailure) reject(new ExecError([file, ...args].join(" "), result));
      else resolve(result);
    });
  });
}

/** True when a program is on PATH (or at one of the given absolute paths). */
export function hasCommand(name: string): boolean {
  if (name.startsWith("/")) return run("test", ["-x", name], { allowFailure: true }).code === 0;
  return run("sh", ["-c", 'command -v "$1"', "sh", name], { allowFailure: true }).code === 0;
}

/** Milliseconds since `start` (from performance.now()), with one decimal, for logs. */
export function since(start: number): string {
  return `${((performance.now() - start) / 1000).toFixed(2)}s`;
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
