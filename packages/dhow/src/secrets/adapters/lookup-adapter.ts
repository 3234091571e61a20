/**
 * @module
 * `--adapter NAME` → adapter, as Kamal's `Adapters.lookup`: the aliases `1password`, `lastpass`, `gcp` and
 * `bitwarden-sm` (any case), otherwise the name camelized (`one_password` → OnePassword) must name an adapter.
 */
import { SecretsError } from "../../errors.js";
import type { SecretsAdapter } from "./adapter.js";
import { awsSecretsManagerAdapter } from "./aws-secrets-manager.js";
import { bitwardenAdapter } from "./bitwarden.js";
import { bitwardenSecretsManagerAdapter } from "./bitwarden-sm.js";
import { dopplerAdapter } from "./doppler.js";
import { enpassAdapter } from "./enpass.js";
import { gcpSecretManagerAdapter } from "./gcp.js";
import { lastPassAdapter } from "./lastpass.js";
import { onePasswordAdapter } from "./one-password.js";
import { passboltAdapter } from "./passbolt.js";
import { testAdapter } from "./test-adapter.js";

/** The adapters by Kamal's class name. */
export const ADAPTERS: Readonly<Record<string, SecretsAdapter>> = {
  OnePassword: onePasswordAdapter,
  Bitwarden: bitwardenAdapter,
  BitwardenSecretsManager: bitwardenSecretsManagerAdapter,
  LastPass: lastPassAdapter,
  AwsSecretsManager: awsSecretsManagerAdapter,
  GcpSecretManager: gcpSecretManagerAdapter,
  Doppler: dopplerAdapter,
  Enpass: enpassAdapter,
  Passbolt: passboltAdapter,
  Test: testAdapter,
};

const ALIASES: Readonly<Record<string, string>> = {
  "1password": "one_password",
  lastpass: "last_pass",
  gcp: "gcp_secret_manager",
  "bitwarden-sm": "bitwarden_secrets_manager",
};

/** Finds the adapter for `--adapter NAME`, or throws Kamal's `Unknown secrets adapter: NAME`. */
export function lookupAdapter(name: string): SecretsAdapter {
  const alias = name.toLowerCase();
  const resolved = Object.hasOwn(ALIASES, alias) ? ALIASES[alias]! : name;
  const className = camelize(resolved);
  const adapter = Object.hasOwn(ADAPTERS, className) ? ADAPTERS[className] : undefined;
  if (!adapter) throw new SecretsError(`Unknown secrets adapter: ${resolved}`);
  return adapter;
}

/** ActiveSupport `String#camelize`: `aws_secrets_manager` → `AwsSecretsManager` (leading lowercase run capitalized). */
export function camelize(term: string): string {
  return term
    .replace(/^[a-z\d]*/, (head) => capitalize(head))
    .replace(
      /(?:_|(\/))([a-z\d]*)/gi,
      (_match, slash: string | undefined, word: string) => `${slash ? "::" : ""}${capitalize(word)}`,
    );
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}
