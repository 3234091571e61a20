/**
 * @module
 * The test double (Kamal's SSHKit "Printer" backend, made answerable): records every rendered command per
 * host and answers with scripted results, so flows can be tested without hosts. It keeps uploaded files in
 * memory and follows the same rules as the SSH executor (non-zero exits throw CommandFailedError, scripts
 * stop at the first failing step), which `executorContract` checks for both. It counts round trips as the SSH
 * executor does on one long-lived connection per host: an exec per `run` and per `runScript`, an SFTP
 * session on a host's first upload (again after `close()`). A script step that writes a file the way
 * commands/write-file.ts does (base64 through `printf`) lands in `files` too, as an upload would.
 */
import { readFile } from "node:fs/promises";
import { reveal, Sensitive } from "../sensitive.js";
import {
  type CommandResult,
  CommandFailedError,
  checkResult,
  commandParts,
  type Executor,
  type ForwardOptions,
  type RemoteCommand,
  type RemoteForward,
  type RunOptions,
  type ScriptOptions,
  type ScriptResult,
  type ScriptStep,
  type UploadOptions,
  type UploadSource,
} from "../remote/executor.js";
import { renderScript } from "../remote/remote-script.js";
import { type HostRoundTrips, RoundTripCounter } from "../remote/round-trips.js";

/** One recorded call. `command` is what would run (may hold secrets); `redacted` what would be shown. */
export interface RecordedCall {
  readonly kind: "run" | "script" | "upload" | "forward";
  readonly host: string;
  readonly command: string;
  readonly redacted: string;
  /** For scripts: the redacted steps, all that were sent. */
  readonly steps?: readonly string[];
  /** For scripts: the redacted steps that ran (up to the one that stopped the script). */
  readonly ran?: readonly string[];
}

/** A scripted answer. Missing fields default to exit 0 and empty output. */
export interface ScriptedResult {
  readonly exitCode?: number;
  readonly stdout?: string;
  readonly stderr?: string;
}

/** What a responder sees. */
export interface RecordedRequest {
  readonly host: string;
  readonly command: string;
  readonly input: string | undefined;
  /** The executor, e.g. to answer `cat` from `files`. */
  readonly executor: RecordingExecutor;
}

/** Matches a command: exact text, a pattern, or a predicate. */
export type CommandMatcher = string | RegExp | ((request: RecordedRequest) => boolean);

/** An uploaded file. */
export interface RecordedFile {
  readonly content: Buffer;
  readonly mode: number | undefined;
}

/** Records commands and answers from scripted results; the most recently added matching answer wins. */
export class RecordingExecutor implements Executor {
  readonly calls: RecordedCall[] = [];
  /** Uploaded files by `host:path`. */
  readonly files = new Map<string, RecordedFile>();
  readonly #responders: { match: CommandMatcher; answer: ScriptedResult | ((r: RecordedRequest) => ScriptedResult) }[] =
    [];
  readonly #forwards = new Set<string>();
  readonly #roundTrips = new RoundTripCounter();
  /** Hosts with an SFTP session open (until `close()`). */
  readonly #sftpHosts = new Set<string>();
  #closed = 0;

  /** Adds an answer for matching commands (on any host; match on `request.host` to narrow). */
  respond(match: CommandMatcher, answer: ScriptedResult | ((request: RecordedRequest) => ScriptedResult)): this {
    this.#responders.push({ match, answer });
    return this;
  }

  /** The redacted commands that ran (script steps one by one), optionally for one host. */
  commands(host?: string): string[] {
    return this.calls
      .filter((call) => host === undefined || call.host === host)
      .flatMap((call) =>
        call.kind === "script" ? [...(call.steps ?? [])] : call.kind === "run" ? [call.redacted] : [],
      );
  }

  /**
   * The redacted commands that actually ran, optionally for one host: like `commands` but without the steps
   * of a script after the step that stopped it.
   */
  ran(host?: string): string[] {
    return this.calls
      .filter((call) => host === undefined || call.host === host)
      .flatMap((call) => (call.kind === "script" ? [...(call.ran ?? [])] : call.kind === "run" ? [call.redacted] : []));
  }

  /** Remote ports currently forwarded, as `host:port`. */
  get forwards(): string[] {
    return [...this.#forwards];
  }

  /** How many times `close()` was called. */
  get closeCount(): number {
    return this.#closed;
  }

  roundTrips(): HostRoundTrips[] {
    return this.#roundTrips.snapshot();
  }

  async run(host: string, command: RemoteCommand, options: RunOptions = {}): Promise<CommandResult> {
    const { command: text, redacted, secrets } = commandParts(command);
    this.calls.push({ kind: "run", host, command: text, redacted });
    this.#roundTrips.exec(host);
    const input = options.input === undefined ? undefined : options.input.toString();
    const result = this.#answer(host, text, redacted, input);
    if (result.stdout) options.onOutput?.(result.stdout, "stdout");
    if (result.stderr) options.onOutput?.(result.stderr, "stderr");
    return checkResult(result, { allowFailure: options.allowFailure, secrets });
  }

  async runScript(host: string, steps: readonly ScriptStep[], options: ScriptOptions = {}): Promise<ScriptResult> {
    const script = renderScript(steps, "recorded");
    const ran: string[] = [];
    this.calls.push({
      kind: "script",
      host,
      command: script.text,
      redacted: script.redacted,
      steps: steps.map((step) => commandParts(step.command).redacted),
      ran,
    });
    this.#roundTrips.exec(host);
    const results: CommandResult[] = [];
    let failedStep: number | undefined;
    for (const [index, step] of steps.entries()) {
      const { command, redacted } = commandParts(step.command);
      options.onStep?.({ host, index, redacted, state: "started" });
      ran.push(redacted);
      const result = this.#answer(host, command, redacted, undefined);
      if (result.exitCode === 0) this.#keepWrittenFile(host, command);
      results.push(result);
      options.onStep?.({ host, index, redacted, state: "finished", exitCode: result.exitCode });
      if (result.exitCode !== 0 && step.guard) break;
      if (result.exitCode !== 0 && !step.allowFailure) {
        failedStep = index;
        break;
      }
    }
    const exitCode = failedStep === undefined ? 0 : results[failedStep]!.exitCode;
    const scriptResult: ScriptResult = { host, steps: results, exitCode, failedStep, durationMs: 0 };
    if (failedStep !== undefined && !options.allowFailure) {
      throw new CommandFailedError(results[failedStep]!, {
        secrets: commandParts(steps[failedStep]!.command).secrets,
        script: scriptResult,
      });
    }
    return scriptResult;
  }

  async upload(host: string, source: UploadSource, remotePath: string, options: UploadOptions = {}): Promise<void> {
    let content: Buffer;
    let shown: string;
    if ("path" in source) {
      content = await readFile(source.path);
      shown = source.path;
    } else {
      content = Buffer.from(source.content instanceof Sensitive ? reveal(source.content) : source.content);
      shown = source.content instanceof Sensitive ? String(source.content) : `${content.length} bytes`;
    }
    if (!this.#sftpHosts.has(host)) {
      this.#sftpHosts.add(host);
      this.#roundTrips.sftp(host);
    }
    const mode = options.mode === undefined ? "" : ` (mode ${options.mode.toString(8)})`;
    this.calls.push({
      kind: "upload",
      host,
      command: `upload ${remotePath}`,
      redacted: `upload ${shown} to ${remotePath}${mode}`,
    });
    const previous = this.files.get(`${host}:${remotePath}`);
    this.files.set(`${host}:${remotePath}`, { content, mode: options.mode ?? previous?.mode });
  }

  async forwardRemotePort(host: string, port: number, options: ForwardOptions = {}): Promise<RemoteForward> {
    const local = `${options.localHost ?? "127.0.0.1"}:${options.localPort ?? port}`;
    const text = `forward ${port} to ${local}`;
    this.calls.push({ kind: "forward", host, command: text, redacted: text });
    const key = `${host}:${port}`;
    this.#forwards.add(key);
    return {
      host,
      remotePort: port,
      close: async () => {
        this.#forwards.delete(key);
      },
    };
  }

  async close(): Promise<void> {
    this.#closed++;
    this.#forwards.clear();
    this.#sftpHosts.clear();
  }

  /** A step of commands/write-file.ts's shape (`mkdir -p … && touch … [&& chmod …] && printf %s '<base64>' | base64 -d > …`). */
  #keepWrittenFile(host: string, command: string): void {
    const written = WRITTEN_FILE.exec(command);
    if (!written) return;
    const [, path, mode, base64, target] = written;
    if (path !== target) return;
    const previous = this.files.get(`${host}:${path}`);
    this.files.set(`${host}:${path}`, {
      content: Buffer.from(base64 ?? "", "base64"),
      mode: mode === undefined ? previous?.mode : Number.parseInt(mode, 8),
    });
  }

  #answer(host: string, command: string, redacted: string, input: string | undefined): CommandResult {
    const request: RecordedRequest = { host, command, input, executor: this };
    let scripted: ScriptedResult = {};
    for (let i = this.#responders.length - 1; i >= 0; i--) {
      const { match, answer } = this.#responders[i]!;
      if (matches(match, request)) {
        scripted = typeof answer === "function" ? answer(request) : answer;
        break;
      }
    }
    return {
      host,
      command,
      redacted,
      exitCode: scripted.exitCode ?? 0,
      stdout: scripted.stdout ?? "",
      stderr: scripted.stderr ?? "",
      durationMs: 0,
    };
  }
}

const WRITTEN_FILE =
  /^mkdir -p \S+ && touch (\S+)(?: && chmod ([0-7]+) \S+)? && printf %s '([A-Za-z0-9+/=]*)' \| base64 -d > (\S+)$/;

function matches(matcher: CommandMatcher, request: RecordedRequest): boolean {
  if (typeof matcher === "string") return matcher === request.command;
  if (matcher instanceof RegExp) return matcher.test(request.command);
  return matcher(request);
}
