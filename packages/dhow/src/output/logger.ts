/**
 * @module
 * What flows print, at Kamal's three verbosities. Flows never write to stdout themselves: they get a Logger.
 * Commands reach the logger already redacted (the executor's `redacted` form), so secrets never get here.
 */
import pc from "picocolors";

/** `-q`: errors only; default: steps and results; `-v`: every command too. */
export type Verbosity = "quiet" | "normal" | "verbose";

/** Colours flows may ask for (Kamal's `say …, :magenta`). */
export type Tint = "magenta" | "red" | "green" | "yellow" | "bold" | "dim";

/** Output for one host: lines are prefixed with the host. */
export interface HostLogger {
  readonly host: string;
  /** `Running <command> on <host>` (verbose only). */
  command(redacted: string): void;
  /** A progress line for this host (normal and verbose). */
  info(message: string): void;
}

/** The flows' output channel. */
export interface Logger {
  readonly verbosity: Verbosity;
  /** A step headline (`Acquiring the deploy lock...`); hidden with -q. */
  say(message: string, tint?: Tint): void;
  /** Only with -v. */
  debug(message: string): void;
  /** A warning; hidden with -q. */
  warn(message: string): void;
  /** Always shown, on stderr. */
  error(message: string): void;
  /** Command output the user asked for (logs, details, version): always shown, as is. */
  output(text: string): void;
  /** Output of one host (`App Host: 1.1.1.1` header then the text, as Kamal's `puts_by_host`). */
  outputByHost(host: string, text: string, type?: string): void;
  forHost(host: string): HostLogger;
}

/** Where a logger writes. */
export interface LoggerOptions {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly verbosity?: Verbosity;
  readonly color?: boolean;
}

/** A logger writing lines to the given streams. */
export function createLogger({ stdout, stderr, verbosity = "normal", color = false }: LoggerOptions): Logger {
  const paint = (text: string, tint?: Tint) => (color && tint ? pc[tint](text) : text);
  const line = (text: string) => stdout(text.endsWith("\n") ? text : `${text}\n`);
  const shown = verbosity !== "quiet";
  return {
    verbosity,
    say: (message, tint) => shown && line(paint(message, tint)),
    debug: (message) => verbosity === "verbose" && line(paint(message, "dim")),
    warn: (message) => shown && line(paint(message, "yellow")),
    error: (message) => stderr(`${paint(message, "red")}\n`),
    output: (text) => stdout(text),
    outputByHost: (host, text, type = "App") => {
      if (shown) line(paint(`${type} Host: ${host}`, "bold"));
      line(text.replace(/\n$/, ""));
      if (shown) stdout("\n");
    },
    forHost: (host) => ({
      host,
      command: (redacted) => verbosity === "verbose" && line(paint(`  Running ${redacted} on ${host}`, "dim")),
      info: (message) => shown && line(`  ${paint(host, "bold")} ${message}`),
    }),
  };
}

/** A logger that records every line (tests). */
export function captureLogger(verbosity: Verbosity = "verbose"): Logger & { readonly lines: string[]; text(): string } {
  const lines: string[] = [];
  const push = (text: string) => lines.push(...text.replace(/\n$/, "").split("\n"));
  const logger = createLogger({ stdout: push, stderr: push, verbosity });
  return Object.assign(logger, { lines, text: () => lines.join("\n") });
}
