/**
 * @module
 * One long-lived `sh -s` per connection that runs a host's scripts one after another. A new exec channel
 * costs a channel open and an exec request (two network round trips, plus the reply) before the script
 * even starts; writing the next script into a shell that is already open costs only the trip of the script
 * and its output. So a deploy's second and third phase on a host (boot, clean-up) each save about two round
 * trips (≈ 0.25 s at 100 ms RTT, measured on the sandbox: a small script took ≈ 0.41 s on a new channel and
 * ≈ 0.15–0.2 s through the open shell).
 *
 * Each script runs in a subshell, so nothing it sets (variables, directory, `exit`) reaches the next one,
 * and is followed by an end line with its exit code on stdout and on stderr (`\n<nonce>:X:<code>\n`, the
 * script's own random nonce): the script is over when both have arrived, so its stderr is complete too.
 * The shell is told apart from a one-shot channel only by this wrapping: its first script is written to it
 * as soon as the channel opens.
 */
import { StringDecoder } from "node:string_decoder";
import type { ClientChannel } from "ssh2";
import { RemoteError } from "./executor.js";
import type { RenderedScript } from "./remote-script.js";

/** What one script run through the shell gave back. */
export interface ShellOutcome {
  readonly exitCode: number;
  /** Without the end line. */
  readonly stdout: string;
  readonly stderr: string;
}

/** The text written to the shell for `script`: the script in a subshell, then its end line on both streams. */
export function shellText(script: RenderedScript): string {
  const end = `'\\n%s:X:%s\\n' '${script.nonce}' "$__dhow_x"`;
  return `(\n${script.text})\n__dhow_x=$?\nprintf ${end}; printf ${end} >&2\n`;
}

/** A script being run: the output so far and where the end lines were found. */
interface Running {
  readonly end: string;
  readonly onOutput: ((chunk: string, stream: "stdout" | "stderr") => void) | undefined;
  readonly redacted: string;
  readonly resolve: (outcome: ShellOutcome) => void;
  readonly reject: (error: Error) => void;
  stdout: string;
  stderr: string;
  /** Exit code from the end line on stdout, once seen. */
  code: number | undefined;
  stderrDone: boolean;
}

/** A `sh -s` exec channel kept open to run scripts one at a time (see the module comment). */
export class HostShell {
  readonly #channel: ClientChannel;
  readonly #host: string;
  readonly #lost: () => boolean;
  readonly #out = new StringDecoder("utf8");
  readonly #err = new StringDecoder("utf8");
  #running: Running | undefined;
  #closed = false;
  #exitCode: number | undefined;

  /**
   * Wraps an open `sh -s` channel. `lost` says whether the connection itself died (then a script cut short
   * is reported as lost, not as failed); `onClose` runs once when the channel closes.
   */
  constructor(
    channel: ClientChannel,
    { host, lost, onClose }: { host: string; lost: () => boolean; onClose: () => void },
  ) {
    this.#channel = channel;
    this.#host = host;
    this.#lost = lost;
    channel.on("data", (chunk: Buffer) => this.#receive(this.#out.write(chunk), "stdout"));
    channel.stderr.on("data", (chunk: Buffer) => this.#receive(this.#err.write(chunk), "stderr"));
    channel.on("exit", (code: number | null) => {
      this.#exitCode = code ?? 255;
    });
    channel.on("close", () => {
      this.#closed = true;
      onClose();
      this.#finishClosed();
    });
  }

  /** Open and not running a script. */
  get idle(): boolean {
    return !this.#closed && this.#running === undefined;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Runs `script`; the shell must be idle. Resolves whatever the exit code; rejects when the connection died. */
  run(script: RenderedScript, onOutput?: (chunk: string, stream: "stdout" | "stderr") => void): Promise<ShellOutcome> {
    if (!this.idle) throw new Error("the host shell is busy or closed");
    return new Promise((resolve, reject) => {
      this.#running = {
        end: `\n${script.nonce}:X:`,
        onOutput,
        redacted: script.redacted,
        resolve,
        reject,
        stdout: "",
        stderr: "",
        code: undefined,
        stderrDone: false,
      };
      this.#channel.write(shellText(script));
    });
  }

  /** Ends the shell (its stdin closes; `sh` exits). */
  close(): void {
    if (!this.#closed) this.#channel.end();
  }

  #receive(text: string, stream: "stdout" | "stderr"): void {
    const running = this.#running;
    if (!running || text === "") return;
    running.onOutput?.(text, stream);
    const before = running[stream].length;
    running[stream] += text;
    // The end line can be split over chunks: look again from just before this chunk.
    const found = findEnd(running[stream], running.end, Math.max(0, before - running.end.length - 12));
    if (!found) return;
    running[stream] = running[stream].slice(0, found.at);
    if (stream === "stdout") running.code = found.code;
    else running.stderrDone = true;
    if (running.code !== undefined && running.stderrDone) {
      this.#running = undefined;
      running.resolve({ exitCode: running.code, stdout: running.stdout, stderr: running.stderr });
    }
  }

  /** The channel closed: a script still running ends with the shell's exit code, or as lost. */
  #finishClosed(): void {
    const running = this.#running;
    if (!running) return;
    this.#running = undefined;
    const stdout = running.stdout + this.#out.end();
    const stderr = running.stderr + this.#err.end();
    const code = running.code ?? this.#exitCode;
    if (code === undefined && this.#lost()) {
      running.reject(
        new RemoteError(this.#host, `ssh connection to ${this.#host} was lost while running: ${running.redacted}`),
      );
      return;
    }
    running.resolve({ exitCode: code ?? 255, stdout, stderr });
  }
}

/** Where the end line `<end><code>\n` starts in `text` (searching from `from`), and its code. */
function findEnd(text: string, end: string, from: number): { at: number; code: number } | undefined {
  const at = text.indexOf(end, from);
  if (at < 0) return undefined;
  const codeStart = at + end.length;
  const newline = text.indexOf("\n", codeStart);
  if (newline < 0) return undefined;
  const code = Number(text.slice(codeStart, newline));
  return Number.isInteger(code) ? { at, code } : undefined;
}
