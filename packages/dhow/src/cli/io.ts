/**
 * @module
 * The CLI's view of the outside world, injected so commands can be tested without a process.
 */
import { EXIT_CODES } from "../errors.js";

/** Where the CLI writes and what it runs in. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Whether stdout is a terminal (colours, live progress). */
  readonly isTTY: boolean;
}

/** The real process streams. */
export function processIo(): CliIo {
  return {
    stdout: streamWriter(process.stdout, () => stdoutClosed((code) => process.exit(code))),
    stderr: streamWriter(process.stderr),
    cwd: process.cwd(),
    env: process.env,
    isTTY: Boolean(process.stdout.isTTY),
  };
}

/** The part of a stream streamWriter uses. */
export interface OutputStream {
  write(text: string): unknown;
  once(event: "error", listener: (error: Error) => void): unknown;
}

/**
 * A writer for one output stream that outlives its reader: when the reader goes away (`dhow deploy | head`,
 * a closed terminal), writes fail asynchronously with EPIPE, which unhandled would crash the process with a
 * stack trace, halfway through a deploy with the lock held and hosts half-done. Instead what would have been
 * written is dropped and `onClosed` (once) decides what happens next.
 */
export function streamWriter(stream: OutputStream, onClosed: () => void = () => {}): (text: string) => void {
  let open = true;
  const onError = (): void => {
    // A second error after the first must not crash either.
    stream.once("error", onError);
    if (!open) return;
    open = false;
    onClosed();
  };
  stream.once("error", onError);
  return (text) => {
    if (open) stream.write(text);
  };
}

let keepRunning: () => boolean = () => false;

/**
 * While `predicate` answers true (work under the deploy lock), a closed stdout does not end dhow: the work on the
 * hosts finishes and the lock is released, silently. Otherwise dhow ends as a pipe's writer does when its reader
 * has gone (`dhow app logs -f | grep -m1 ready` returns once grep has its line), with status 141 (128 + SIGPIPE).
 * Returns the function that undoes it.
 */
export function keepRunningWithoutOutput(predicate: () => boolean): () => void {
  keepRunning = predicate;
  return () => {
    keepRunning = () => false;
  };
}

/** What a closed stdout does: ends the process with 141 unless work under the deploy lock runs. */
export function stdoutClosed(exit: (code: number) => void): void {
  if (!keepRunning()) exit(EXIT_CODES.outputClosed);
}
