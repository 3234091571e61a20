/**
 * @module
 * `dhow secrets fetch SECRETS… -a ADAPTER [--account A] [--from F] [--inline]` (Kamal's `secrets fetch`):
 * fetches from a vault and prints the results as one JSON object, shell-escaped (Ruby `shellescape`) so that
 * `SECRETS=$(kamal secrets fetch …)` can be handed back to `kamal secrets extract NAME $SECRETS`.
 */
import { SecretsError } from "../errors.js";
import { fetchFromVault, type VaultSecrets } from "./adapters/adapter.js";
import { lookupAdapter } from "./adapters/lookup-adapter.js";
import { rubyPuts } from "./secrets-print.js";
import type { SecretsRunner } from "./secrets-runner.js";
import { shellEscape } from "./shell-escape.js";

/** The options of `secrets fetch`. */
export interface SecretsFetchOptions {
  /** `-a/--adapter` (required): a name or alias from Kamal's adapter table. */
  readonly adapter: string;
  readonly account?: string | undefined;
  readonly from?: string | undefined;
  /** The secret names (positional arguments). */
  readonly secrets: readonly string[];
  /** Hidden `--inline`: return the text without the trailing newline (for `$(…)` in secrets files). */
  readonly inline?: boolean;
  readonly runner: SecretsRunner;
  /** The environment the vault CLIs run with. */
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/**
 * Runs `secrets fetch` and returns exactly what to write to stdout.
 * @example secretsFetch({ adapter: "test", account: "a", secrets: ["X"], runner: localRunner, env: process.env })
 *   // → '\\{\\"X\\":\\"X\\"\\}\n'
 */
export function secretsFetch(options: SecretsFetchOptions): string {
  const adapter = lookupAdapter(options.adapter);
  if (adapter.requiresAccount && (options.account === undefined || /^\s*$/.test(options.account))) {
    throw new SecretsError("No value provided for required options '--account'");
  }
  const results = fetchFromVault(
    adapter,
    { secrets: options.secrets, account: options.account, from: options.from },
    { runner: options.runner, env: options.env, ...(options.cwd === undefined ? {} : { cwd: options.cwd }) },
  );
  const text = shellEscape(jsonDump(results));
  return options.inline ? text : rubyPuts(text);
}

/** Ruby `JSON.dump` of the results: compact, keys in fetch order. */
export function jsonDump(results: VaultSecrets): string {
  const members = [...results].map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`);
  return `{${members.join(",")}}`;
}
