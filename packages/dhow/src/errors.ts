/**
 * @module
 * Every failure dhow reports is one of these classes. Each knows its exit code; only `cli/main.ts`
 * catches them, prints `ERROR (<name>): <message>` the way `bin/kamal` does, and exits with `exitCode`.
 * Messages never contain secret values: code that builds a message from a command uses its redacted form.
 */

/**
 * Exit codes, one table for the whole CLI (docs/compatibility.md). Kamal exits 1 for every error; dhow keeps
 * 1 except for usage errors (64, sysexits' EX_USAGE), config and secrets errors (78, EX_CONFIG) and Ctrl-C.
 * A class that does not set `exitCode` exits 1; `exitCodeOf` is what the CLI exits with.
 */
export const EXIT_CODES = {
  error: 1,
  usage: 64,
  config: 78,
  interrupted: 130,
  /** stdout's reader went away outside the deploy lock (128 + SIGPIPE, as a shell reports a killed writer). */
  outputClosed: 141,
} as const;

/** Base class: a failure with a user-facing message and an exit code. */
export class DhowError extends Error {
  readonly exitCode: number = EXIT_CODES.error;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Where in a file a config value came from (1-based line and column). */
export interface SourceLocation {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
}

/** A config file is missing, unreadable, not valid YAML, or fails Kamal's validation. */
export class ConfigError extends DhowError {
  override readonly exitCode: number = EXIT_CODES.config;
  /** Kamal's key path, e.g. `servers/web/hosts`, or undefined for whole-file errors. */
  readonly keyPath: string | undefined;
  readonly location: SourceLocation | undefined;
  constructor(
    message: string,
    { keyPath, location, cause }: { keyPath?: string; location?: SourceLocation; cause?: unknown } = {},
  ) {
    super(message + formatLocation(location), cause === undefined ? undefined : { cause });
    this.keyPath = keyPath;
    this.location = location;
  }
}

/** A secret is missing, or a secrets file or vault CLI failed: the configuration cannot be resolved (78). */
export class SecretsError extends DhowError {
  override readonly exitCode: number = EXIT_CODES.config;
}

/** The command line is wrong: unknown option, missing argument, bad combination. */
export class UsageError extends DhowError {
  override readonly exitCode: number = EXIT_CODES.usage;
}

/** A command builder cannot build (Kamal's BuilderError, e.g. `Missing Dockerfile`). */
export class BuilderError extends DhowError {}

/** The deploy lock is held by someone else, or could not be taken or released. */
export class LockError extends DhowError {}

/** A hook exited non-zero (`Hook 'pre-deploy' failed:`). */
export class HookError extends DhowError {}

/** A new container did not become healthy, or the primary role failed first. */
export class BootError extends DhowError {}

/**
 * An accessory reached by name from another host cannot be reached there: its host's private address
 * cannot be found, or its port is not published where the other hosts can reach it (docs/service-names.md).
 */
export class CrossHostError extends DhowError {}

/** Something dhow needs on this machine is missing (ruby, docker, a vault CLI). */
export class MissingToolError extends DhowError {}

/** The user pressed Ctrl-C: dhow stopped after the steps under way (exit 130, as a shell reports SIGINT). */
export class InterruptedError extends DhowError {
  override readonly exitCode: number = EXIT_CODES.interrupted;
  constructor(message = "Interrupted: stopped after the steps under way on each host finished") {
    super(message);
  }
}

/** The exit code for anything thrown: a DhowError's own code, 1 for anything else. */
export function exitCodeOf(error: unknown): number {
  return error instanceof DhowError ? error.exitCode : EXIT_CODES.error;
}

/** ` (config/deploy.yml:12:5)` or "" */
function formatLocation(location: SourceLocation | undefined): string {
  if (!location) return "";
  const line = location.line === undefined ? "" : `:${location.line}`;
  const column = location.line !== undefined && location.column !== undefined ? `:${location.column}` : "";
  return ` (${location.file}${line}${column})`;
}
