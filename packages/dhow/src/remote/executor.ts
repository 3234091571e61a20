/**
 * @module
 * The seam between flows and hosts: an `Executor` runs commands on a host and reports each as a
 * `CommandResult`. The SSH executor is the real one; the recording executor is the test double; both pass
 * `executorContract`. A non-zero exit throws `CommandFailedError` (carrying the result) unless the caller
 * passed `{ allowFailure: true }` — Kamal's `raise_on_non_zero_exit: false`.
 */
import { DhowError } from "../errors.js";
import { redactText, type Sensitive } from "../sensitive.js";
import type { HostRoundTrips } from "./round-trips.js";

export type { HostRoundTrips } from "./round-trips.js";

/** A command to run: plain text, or what runs plus what is shown (and the secret values to scrub from output). */
export type RemoteCommand =
  | string
  | {
      readonly command: string;
      readonly redacted: string;
      /** Secret values in `command`; replaced by [REDACTED] wherever output is shown (error messages). */
      readonly secrets?: readonly string[];
    };

/** What one finished command gave back. */
export interface CommandResult {
  readonly host: string;
  /** What ran. May contain secrets: never print it. */
  readonly command: string;
  /** What is shown in logs and errors. */
  readonly redacted: string;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
}

/** Options of `Executor.run`. */
export interface RunOptions {
  /** Return a non-zero exit as a result instead of throwing CommandFailedError. */
  readonly allowFailure?: boolean;
  /** Written to the command's stdin (then closed). */
  readonly input?: string | Buffer;
  /** Called with output as it arrives (for live progress and `logs -f`-like commands). */
  readonly onOutput?: (chunk: string, stream: "stdout" | "stderr") => void;
  /** Kill the command (exit 124) when it runs longer than this. */
  readonly timeoutMs?: number;
  /** The command only reads (a dry run still runs it, for the facts it decides on). */
  readonly readOnly?: boolean;
  /** What the command is for (the dry-run plan shows it). */
  readonly purpose?: string;
}

/** One step of a remote script. */
export interface ScriptStep {
  readonly command: RemoteCommand;
  /** Keep going when this step fails (its result still records the exit code). */
  readonly allowFailure?: boolean;
  /** The step only reads (a dry run still runs it, for the facts it decides on). */
  readonly readOnly?: boolean;
  /** What this step and the ones after it (up to the next purpose) are for; the dry-run plan shows it. */
  readonly purpose?: string;
  /**
   * A condition: when it exits non-zero the script stops there and succeeds (the steps after it are not needed on
   * this host). Its result is the last one; the script reports no failed step.
   */
  readonly guard?: boolean;
  /**
   * The step may run at the same time as the steps next to it that say so too (reads that do not depend on one
   * another): the script starts them together and reports each one's output and exit code in order once all
   * finished. Only for steps that allow failure (a failing one could not stop the others).
   */
  readonly concurrent?: boolean;
  /**
   * The step starts in the background where it stands and the steps after it do not wait for it (a read whose
   * answer only this machine needs, next to a pull): its output and exit code are reported, in step order,
   * when the script ends or stops. Only for steps that allow failure.
   */
  readonly background?: boolean;
}

/** A step started or finished (for live progress of a host's phase). */
export interface StepEvent {
  readonly host: string;
  readonly index: number;
  readonly redacted: string;
  readonly state: "started" | "finished";
  /** Set when finished. */
  readonly exitCode?: number;
}

/** Options of `Executor.runScript`. */
export interface ScriptOptions {
  /** Return instead of throwing when a step (without its own allowFailure) fails. */
  readonly allowFailure?: boolean;
  readonly onStep?: (event: StepEvent) => void;
}

/** What a script gave back: one result per step that ran, in order. */
export interface ScriptResult {
  readonly host: string;
  readonly steps: readonly CommandResult[];
  /** The script's exit code: 0, or the code of the step that stopped it. */
  readonly exitCode: number;
  /** Index of the step that failed and stopped the script, if any. */
  readonly failedStep: number | undefined;
  readonly durationMs: number;
}

/** What to upload: file content, or a local file. */
export type UploadSource = { readonly content: string | Buffer | Sensitive } | { readonly path: string };

/** Options of `Executor.upload`. */
export interface UploadOptions {
  /** File mode, e.g. 0o600 for env files (applied even when the file already exists). */
  readonly mode?: number;
}

/** An open `ssh -R` style forward; `close()` stops it. */
export interface RemoteForward {
  readonly host: string;
  readonly remotePort: number;
  close(): Promise<void>;
}

/** Options of `Executor.forwardRemotePort`. */
export interface ForwardOptions {
  /** Where connections to the remote port go on this machine (default 127.0.0.1 and the same port). */
  readonly localHost?: string;
  readonly localPort?: number;
}

/** Runs commands on hosts. Implementations pool connections; `close()` releases them. */
export interface Executor {
  /** Runs one command on a host. Throws CommandFailedError on a non-zero exit unless allowFailure. */
  run(host: string, command: RemoteCommand, options?: RunOptions): Promise<CommandResult>;
  /**
   * Runs several commands in ONE round trip, in order, stopping at the first failing step (unless the step
   * allows failure). Throws CommandFailedError for the failed step unless `options.allowFailure`.
   */
  runScript(host: string, steps: readonly ScriptStep[], options?: ScriptOptions): Promise<ScriptResult>;
  /** Writes a file on the host (paths relative to the login directory, like Kamal's). */
  upload(host: string, source: UploadSource, remotePath: string, options?: UploadOptions): Promise<void>;
  /** Makes the host's 127.0.0.1:port reach this machine (`ssh -R port:localhost:port`), e.g. a local registry. */
  forwardRemotePort(host: string, port: number, options?: ForwardOptions): Promise<RemoteForward>;
  /**
   * The SSH round trips used so far, per host in host order: exec channels (`run` and `runScript` one each)
   * and SFTP sessions opened. Counts survive `close()`; `-v` prints them when a command ends.
   */
  roundTrips(): readonly HostRoundTrips[];
  /**
   * Starts connecting to the hosts in the background, so that the handshakes overlap local work (the build).
   * Never fails: a host that cannot be reached fails its first command as it would have. Optional: an executor
   * without connections has nothing to warm.
   */
  warm?(hosts: readonly string[]): void;
  /** Closes every connection. Idempotent. */
  close(): Promise<void>;
}

/** A command exited non-zero. The message names the redacted command, the host, the exit code and its meaning. */
export class CommandFailedError extends DhowError {
  readonly result: CommandResult;
  /** The whole script, when the command was one step of `runScript`. */
  readonly script: ScriptResult | undefined;
  /** `<redacted command> failed on <host> (exit N: meaning)` */
  readonly headline: string;
  /** The command's stderr, trimmed, with secret values replaced by [REDACTED]: safe to show. */
  readonly stderr: string;
  constructor(
    result: CommandResult,
    { secrets = [], script }: { secrets?: readonly string[]; script?: ScriptResult } = {},
  ) {
    const stderr = redactText(result.stderr.trim(), secrets);
    const headline = `${result.redacted} failed on ${result.host} (exit ${result.exitCode}: ${exitMeaning(result.exitCode)})`;
    super(headline + (stderr ? `\n${stderr}` : ""));
    this.result = result;
    this.script = script;
    this.headline = headline;
    this.stderr = stderr;
  }
}

/** A host could not be reached, authenticated, or written to. */
export class RemoteError extends DhowError {
  readonly host: string;
  constructor(host: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.host = host;
  }
}

/** What an exit code usually means (shell, docker run and ssh conventions). */
export function exitMeaning(code: number): string {
  const known = EXIT_MEANINGS[code];
  if (known) return known;
  if (code > 128 && code < 160) {
    const signal = SIGNAL_NAMES[code - 128];
    return signal ? `killed by ${signal}` : `killed by signal ${code - 128}`;
  }
  return "error";
}

/** The command text that runs, and the text that is shown. */
export function commandParts(command: RemoteCommand): {
  command: string;
  redacted: string;
  secrets: readonly string[];
} {
  return typeof command === "string"
    ? { command, redacted: command, secrets: [] }
    : { command: command.command, redacted: command.redacted, secrets: command.secrets ?? [] };
}

/** Throws CommandFailedError for a failed result unless failure is allowed; returns the result otherwise. */
export function checkResult(
  result: CommandResult,
  { allowFailure = false, secrets = [] }: { allowFailure?: boolean | undefined; secrets?: readonly string[] } = {},
): CommandResult {
  if (result.exitCode !== 0 && !allowFailure) throw new CommandFailedError(result, { secrets });
  return result;
}

const EXIT_MEANINGS: Record<number, string> = {
  1: "error",
  124: "timed out",
  125: "the docker daemon reported an error",
  126: "command cannot execute",
  127: "command not found",
  255: "ssh connection failed or the remote command exited 255",
};

const SIGNAL_NAMES: Record<number, string> = {
  1: "SIGHUP",
  2: "SIGINT",
  3: "SIGQUIT",
  4: "SIGILL",
  6: "SIGABRT",
  7: "SIGBUS",
  8: "SIGFPE",
  9: "SIGKILL",
  11: "SIGSEGV",
  13: "SIGPIPE",
  14: "SIGALRM",
  15: "SIGTERM",
};
