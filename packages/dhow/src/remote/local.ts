/**
 * @module
 * Runs programs on this machine (git, ruby, vault CLIs, secret `$(…)` substitutions, hooks, docker build).
 * `remote/` is the only layer that touches node:child_process; other layers receive these functions
 * (or a `LocalRunner`) as parameters so they stay testable without processes.
 */
import { spawn, spawnSync } from "node:child_process";

/** What a finished local process gave back. */
export interface LocalResult {
  /** The command as it was run (for logs; callers redact secrets before printing). */
  readonly command: string;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** True when the program could not be started at all (ENOENT: not installed). */
  readonly notFound: boolean;
  /** The error code when the program could not be started for another reason (EACCES: not executable). */
  readonly startError?: string;
  readonly durationMs: number;
}

/** Options shared by the sync and async runners. */
export interface LocalOptions {
  readonly cwd?: string;
  /** The full environment of the child (defaults to process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Text written to the child's stdin. */
  readonly input?: string;
  /** Milliseconds before the child is killed (default: none). */
  readonly timeoutMs?: number;
  /**
   * Let the child talk to the user: stdin and stderr are the terminal's, only stdout is captured (as Ruby's
   * backticks do). Vault CLIs prompt for passwords this way. `input` is then ignored. Without a terminal on
   * stdin nobody could answer, so everything stays piped and stderr is captured for the error message.
   */
  readonly interactive?: boolean;
}

/** Runs `file args…` (no shell) or, with `shell: true`, one `sh -c` command line. */
export interface LocalRunner {
  run(file: string, args: readonly string[], options?: LocalOptions): Promise<LocalResult>;
  runSync(file: string, args: readonly string[], options?: LocalOptions): LocalResult;
  shellSync(commandLine: string, options?: LocalOptions): LocalResult;
}

/** The real runner, backed by node:child_process. */
export const localRunner: LocalRunner = {
  run: runLocal,
  runSync: runLocalSync,
  shellSync: (commandLine, options) => runLocalSync("/bin/sh", ["-c", commandLine], options),
};

/** Runs a program and resolves with its result (never rejects for a non-zero exit). */
export function runLocal(file: string, args: readonly string[], options: LocalOptions = {}): Promise<LocalResult> {
  const started = Date.now();
  const command = [file, ...args].join(" ");
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["pipe", "pipe", "pipe"],
      ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.stdin.on("error", () => {});
    child.stdin.end(options.input ?? "");
    let notFound = false;
    let startError: string | undefined;
    child.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") notFound = true;
      else {
        if (child.pid === undefined && error.code) startError = error.code;
        err.push(Buffer.from(String(error.message)));
      }
    });
    child.on("close", (code, signal) => {
      resolve({
        command,
        exitCode: code ?? (signal ? 128 + signalNumber(signal) : 127),
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
        notFound,
        ...(startError ? { startError } : {}),
        durationMs: Date.now() - started,
      });
    });
  });
}

/** Runs a program and waits for it synchronously (secrets and ERB are evaluated synchronously, as in Kamal). */
export function runLocalSync(file: string, args: readonly string[], options: LocalOptions = {}): LocalResult {
  const started = Date.now();
  const result = spawnSync(file, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    ...(options.interactive && process.stdin.isTTY
      ? { stdio: ["inherit", "pipe", "inherit"] as const }
      : { input: options.input ?? "" }),
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
  });
  const error = result.error as NodeJS.ErrnoException | undefined;
  return {
    command: [file, ...args].join(" "),
    exitCode: result.status ?? (result.signal ? 128 + signalNumber(result.signal) : 127),
    stdout: result.stdout ?? "",
    stderr: (result.stderr ?? "") + (error && error.code !== "ENOENT" ? String(error.message) : ""),
    notFound: error?.code === "ENOENT",
    ...(error?.code && error.code !== "ENOENT" && result.pid === 0 ? { startError: error.code } : {}),
    durationMs: Date.now() - started,
  };
}

function signalNumber(signal: NodeJS.Signals): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return numbers[signal] ?? 0;
}
