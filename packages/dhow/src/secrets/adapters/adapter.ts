/**
 * @module
 * The contract every vault adapter implements, and the steps Kamal's `Adapters::Base#fetch` runs around it:
 * account check, `check_dependencies!`, `login`, `fetch_secrets`. Adapters drive the real vault CLIs through an
 * injected runner; their errors name the CLI and the item, never a value.
 */
import { MissingToolError, SecretsError } from "../../errors.js";
import { isBlank } from "../../ruby.js";
import type { SecretsProcessOptions, SecretsProcessResult, SecretsRunner } from "../secrets-runner.js";

/** Fetched secrets, in the order Kamal would print them. `null` is a field the vault holds without a value. */
export type VaultSecrets = Map<string, string | null>;

/** Where and how an adapter runs its CLI. */
export interface AdapterContext {
  readonly runner: SecretsRunner;
  /** The environment the CLI sees (and where DOPPLER_TOKEN etc. are read). */
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/** The arguments of `secrets fetch`. */
export interface FetchRequest {
  readonly secrets: readonly string[];
  readonly account?: string | undefined;
  readonly from?: string | undefined;
}

/** A vault CLI wrapper (Kamal's `Kamal::Secrets::Adapters::*`). */
export interface SecretsAdapter {
  /** Whether `--account` must be given (Kamal's `requires_account?`). */
  readonly requiresAccount: boolean;
  /** Checks the CLI, signs in when needed, and fetches (everything after the account check). */
  fetch(request: FetchRequest, context: AdapterContext): VaultSecrets;
}

/** Kamal's `Adapters::Base#fetch`: refuses a missing required account, then lets the adapter work. */
export function fetchFromVault(adapter: SecretsAdapter, request: FetchRequest, context: AdapterContext): VaultSecrets {
  if (adapter.requiresAccount && isBlank(request.account)) {
    throw new SecretsError("Missing required option '--account'");
  }
  return adapter.fetch(request, context);
}

/** `[from, secret].compact.join("/")` for each secret. */
export function prefixedSecrets(secrets: readonly string[], from: string | undefined): string[] {
  return secrets.map((secret) => (from === undefined ? secret : `${from}/${secret}`));
}

/** Runs the vault CLI (no shell). `interactive` keeps stdin/stderr on the terminal for prompts. */
export function runCli(
  context: AdapterContext,
  file: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; interactive?: boolean } = {},
): SecretsProcessResult {
  const processOptions: SecretsProcessOptions = {
    env: options.env ?? context.env,
    ...(context.cwd === undefined ? {} : { cwd: context.cwd }),
    ...(options.interactive ? { interactive: true } : {}),
  };
  return context.runner.runSync(file, args, processOptions);
}

/** True when `<file> <args>` exits 0 (Kamal's `cli_installed?`, e.g. `op --version 2> /dev/null`). */
export function cliInstalled(context: AdapterContext, file: string, args: readonly string[]): boolean {
  const result = runCli(context, file, args);
  return !result.notFound && result.exitCode === 0;
}

/** Throws Kamal's "<Tool> CLI is not installed" unless the version probe succeeds. */
export function requireCli(context: AdapterContext, file: string, args: readonly string[], message: string): void {
  if (!cliInstalled(context, file, args)) throw new MissingToolError(message);
}

/** Parses a CLI's JSON output; on failure names the command, never the output (it may hold secrets). */
export function parseCliJson(output: string, command: string): unknown {
  try {
    return JSON.parse(output);
  } catch {
    throw new SecretsError(`Could not parse the output of \`${command}\` as JSON`);
  }
}

/** A JSON object's own property, or undefined. */
export function field(value: unknown, key: string): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  return Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

/** The array a CLI returned, or an error naming the command. */
export function asArray(value: unknown, command: string): unknown[] {
  if (!Array.isArray(value)) throw new SecretsError(`Unexpected output from \`${command}\`: expected a JSON array`);
  return value;
}

/** A secret value as Kamal would hold it: strings as they are, null kept, other JSON as text. */
export function secretValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === "string" ? value : JSON.stringify(value);
}
