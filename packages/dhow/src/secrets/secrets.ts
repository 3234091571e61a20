/**
 * @module
 * The secrets a deploy uses, read from Kamal's `.kamal/secrets-common` and `.kamal/secrets` (or
 * `.kamal/secrets.<destination>`), later files overriding earlier ones. Loading is lazy: nothing is read and no
 * `$(…)` command runs until a value is first asked for, so `dhow config` and friends never touch a vault.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { DhowError, SecretsError } from "../errors.js";
import { redactText } from "../sensitive.js";
import { type DotenvCommand, parseDotenv } from "./parse-dotenv.js";
import { chomp, isBlank } from "../ruby.js";
import { INLINE_SECRETS_COMMAND, runInlineSecretsCommand } from "./run-inline-secrets-command.js";
import type { SecretsRunner } from "./secrets-runner.js";

/** Kamal's default `secrets_path`. */
export const DEFAULT_SECRETS_PATH = ".kamal/secrets";

/** The secrets of one deploy (one destination). */
export interface Secrets {
  /** The value; throws SecretsError `Secret 'X' not found in .kamal/secrets` (or `… no secret files (<names>) provided`), wording as Kamal. */
  get(key: string): string;
  has(key: string): boolean;
  keys(): string[];
  toRecord(): Record<string, string>;
  /** The secret files that were read (for messages). */
  readonly files: readonly string[];
}

export interface LoadSecretsOptions {
  /** The project directory: secrets paths and `$(…)` commands are relative to it. */
  readonly cwd: string;
  /** Kamal's `secrets_path` (default `.kamal/secrets`). */
  readonly secretsPath?: string | undefined;
  readonly destination?: string | undefined;
  /** The process environment: `$VAR` fallback and the environment of `$(…)` commands and vault CLIs. */
  readonly env: NodeJS.ProcessEnv;
  /** Runs `$(…)` commands and vault CLIs (`localRunner` from remote/local.ts). */
  readonly runner: SecretsRunner;
  /** Receives Kamal's blank-secret warnings (`Warning: Kamal secret X is blank.` and tips); none when absent. */
  readonly warn?: ((message: string) => void) | undefined;
}

/**
 * Secrets from fixed values (tests, golden cases, programmatic use).
 * @example staticSecrets({ RAILS_MASTER_KEY: "456" }).get("RAILS_MASTER_KEY") // → "456"
 */
export function staticSecrets(values: Record<string, string>, files: readonly string[] = []): Secrets {
  const map = new Map(Object.entries(values));
  const names = secretsFilenames(DEFAULT_SECRETS_PATH, undefined);
  const secrets = secretsOver(() => map, {
    files: () => files,
    filenames: () => names,
  });
  registerValues(secrets, () => [...map.values()]);
  return secrets;
}

/**
 * Kamal-compatible lazy secrets: `<path>-common`, then `<path>` or `<path>.<destination>`.
 * @example loadSecrets({ cwd: process.cwd(), env: process.env, runner: localRunner }).get("KAMAL_REGISTRY_PASSWORD")
 */
export function loadSecrets(options: LoadSecretsOptions): Secrets {
  const filenames = secretsFilenames(options.secretsPath ?? DEFAULT_SECRETS_PATH, options.destination);
  let existing: string[] | undefined;
  const files = (): string[] => {
    existing ??= filenames.filter((file) => existsSync(resolve(options.cwd, file)));
    return existing;
  };
  let loaded: Map<string, string> | undefined;
  let failure: unknown;
  /** Every value and `$(…)` output seen so far, for redaction even when loading failed half-way. */
  const seen: string[] = [];
  const load = (): Map<string, string> => {
    if (loaded) return loaded;
    if (failure !== undefined) throw failure;
    try {
      loaded = readSecretsFiles(files(), options, seen);
      return loaded;
    } catch (error) {
      failure = error;
      throw error;
    }
  };
  const secrets = secretsOver(load, {
    files,
    filenames: () => filenames,
    ...(options.warn ? { onBlank: (key: string) => warnBlank(key, { ...options, files: files() }) } : {}),
  });
  registerValues(secrets, () => [...new Set(seen)]);
  return secrets;
}

/** `[<path>-common, <path>]`, or `[<path>-common, <path>.<destination>]` with a destination. */
export function secretsFilenames(secretsPath: string, destination: string | undefined): string[] {
  return [`${secretsPath}-common`, destination ? `${secretsPath}.${destination}` : secretsPath];
}

/**
 * The secret values loaded so far, for scrubbing command output (`redactText`). It never triggers loading:
 * secrets that were never used are not read just to be redacted.
 */
export function loadedSecretValues(secrets: Secrets): string[] {
  return valueSources.get(secrets)?.() ?? [];
}

// Private

const valueSources = new WeakMap<Secrets, () => string[]>();

function registerValues(secrets: Secrets, values: () => string[]): void {
  valueSources.set(secrets, values);
}

interface SecretsSource {
  files(): readonly string[];
  filenames(): readonly string[];
  onBlank?: (key: string) => void;
}

function secretsOver(load: () => ReadonlyMap<string, string>, source: SecretsSource): Secrets {
  return {
    get(key) {
      const value = load().get(key);
      if (value === undefined) throw missingSecret(key, source);
      if (isBlank(value)) source.onBlank?.(key);
      return value;
    },
    has: (key) => load().has(key),
    keys: () => [...load().keys()],
    toRecord: () => Object.fromEntries(load()),
    get files() {
      return source.files();
    },
  };
}

function missingSecret(key: string, source: SecretsSource): SecretsError {
  const files = source.files();
  if (files.length > 0) return new SecretsError(`Secret '${key}' not found in ${files.join(", ")}`);
  return new SecretsError(`Secret '${key}' not found, no secret files (${source.filenames().join(", ")}) provided`);
}

/** Parses each file on its own (as Kamal's `Dotenv.parse(file, overwrite: true)`) and merges, later wins. */
function readSecretsFiles(files: readonly string[], options: LoadSecretsOptions, seen: string[]): Map<string, string> {
  const merged = new Map<string, string>();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(resolve(options.cwd, file), "utf8");
    } catch (error) {
      throw new SecretsError(`Could not read ${file}: ${(error as Error).message}`, { cause: error });
    }
    const values = parseDotenv(text, {
      file,
      env: options.env,
      runCommand: (command) => {
        const output = runSecretsCommand(command, options, seen);
        seen.push(output);
        return output;
      },
    });
    for (const [key, value] of values) {
      merged.set(key, value);
      seen.push(value);
    }
  }
  return merged;
}

/** Runs one `$(…)` of a secrets file: `kamal|dhow secrets …` in-process, anything else through `sh -c`. */
function runSecretsCommand(command: DotenvCommand, options: LoadSecretsOptions, seen: readonly string[]): string {
  const where = `${command.file}:${command.line}`;
  if (INLINE_SECRETS_COMMAND.test(command.command)) {
    try {
      return chomp(runInlineSecretsCommand(command.command, options));
    } catch (error) {
      const message = error instanceof DhowError ? error.message : String(error);
      throw new SecretsError(`${message} (in $(${command.written.trim()}) for ${command.key}, ${where})`, {
        cause: error,
      });
    }
  }
  const result = options.runner.shellSync(command.command, { cwd: options.cwd, env: options.env, interactive: true });
  if (result.notFound || result.exitCode !== 0) {
    const stderr = redactText(result.stderr.trim(), [...seen, result.stdout.trim()]);
    const detail = stderr === "" ? "" : `: ${stderr.split("\n").slice(-5).join("\n")}`;
    throw new SecretsError(
      `Command $(${command.written.trim()}) for ${command.key} failed with exit code ${result.exitCode} (${where})${detail}`,
    );
  }
  return chomp(result.stdout);
}

/** Kamal's blank-secret warning with its tips about where the value came from. */
function warnBlank(key: string, options: LoadSecretsOptions & { files: readonly string[] }): void {
  const warn = options.warn!;
  warn(`Warning: Kamal secret ${key} is blank.`);
  const assignment = new RegExp(`^\\s*${escapeRegExp(key)}=`);
  for (const file of options.files) {
    let lines: string[];
    try {
      lines = readFileSync(resolve(options.cwd, file), "utf8").split("\n");
    } catch {
      continue;
    }
    lines.forEach((line, index) => {
      if (!assignment.test(line)) return;
      warn(`Tip: see ${file}:${index + 1}: ${line.trim()}`);
      const command = new RegExp(`^\\s*${escapeRegExp(key)}=\\$\\(([^)]+)\\)`).exec(line);
      if (new RegExp(`^\\s*${escapeRegExp(key)}=\\$\\w+`).test(line)) {
        const state = options.env[key] === undefined ? "not set" : "blank";
        warn(`Tip: the environment variable ${key} is ${state}. Did you forget to set it?`);
      } else if (command) {
        warn(`Tip: the shell command \`${command[1]}\` returned an empty value.`);
      }
    });
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
