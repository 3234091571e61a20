/**
 * @module
 * `--adapter bitwarden-sm` (alias `bitwarden_secrets_manager`): the Bitwarden Secrets Manager CLI `bws`, as
 * Kamal 2.12 drives it. Authentication is the BWS_ACCESS_TOKEN in the environment (checked with
 * `bws project list`); secrets are `all`, `<project id>/all` (or `all --from <project id>`), or secret UUIDs.
 * Keys are the secrets' own keys.
 */
import { SecretsError } from "../../errors.js";
import {
  type AdapterContext,
  asArray,
  field,
  parseCliJson,
  prefixedSecrets,
  requireCli,
  runCli,
  type SecretsAdapter,
  secretValue,
  type VaultSecrets,
} from "./adapter.js";

const LIST_ALL_SELECTOR = "all";
const LIST_ALL_FROM_PROJECT_SUFFIX = "/all";

/** The Bitwarden Secrets Manager adapter. */
export const bitwardenSecretsManagerAdapter: SecretsAdapter = {
  requiresAccount: false,
  fetch({ secrets, from }, context) {
    requireCli(context, "bws", ["--version"], "Bitwarden Secrets Manager CLI is not installed");
    if (runCli(context, "bws", ["project", "list"]).exitCode !== 0) {
      throw new SecretsError("Could not authenticate to Bitwarden Secrets Manager. Did you set a valid access token?");
    }
    if (secrets.length === 0) {
      throw new SecretsError("You must specify what to retrieve from Bitwarden Secrets Manager");
    }
    return fetchSecrets(prefixedSecrets(secrets, from), context);
  },
};

function fetchSecrets(secrets: readonly string[], context: AdapterContext): VaultSecrets {
  const results: VaultSecrets = new Map();
  const listArgs = listCommand(secrets);
  if (listArgs === undefined) {
    for (const uuid of secrets) {
      const result = runCli(context, "bws", ["secret", "get", uuid]);
      if (result.exitCode !== 0 || result.notFound) {
        throw new SecretsError(`Could not read ${uuid} from Bitwarden Secrets Manager`);
      }
      const item = parseCliJson(result.stdout, "bws secret get");
      results.set(String(field(item, "key")), secretValue(field(item, "value")));
    }
  } else {
    const result = runCli(context, "bws", listArgs);
    if (result.exitCode !== 0 || result.notFound) {
      throw new SecretsError("Could not read secrets from Bitwarden Secrets Manager");
    }
    for (const item of asArray(parseCliJson(result.stdout, "bws secret list"), "bws secret list")) {
      results.set(String(field(item, "key")), secretValue(field(item, "value")));
    }
  }
  return results;
}

/** `secret list` for a lone `all`, `secret list <project>` for a lone `<project>/all`, else per-UUID gets. */
function listCommand(secrets: readonly string[]): string[] | undefined {
  if (secrets.length !== 1) return undefined;
  const [only] = secrets as [string];
  if (only === LIST_ALL_SELECTOR) return ["secret", "list"];
  if (only.endsWith(LIST_ALL_FROM_PROJECT_SUFFIX)) {
    return ["secret", "list", only.split(LIST_ALL_FROM_PROJECT_SUFFIX)[0]!];
  }
  return undefined;
}
