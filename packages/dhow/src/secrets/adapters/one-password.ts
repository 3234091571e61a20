/**
 * @module
 * `--adapter 1password` (alias `one_password`): the 1Password CLI `op`, as Kamal 2.12 drives it.
 * Secrets are `vault/item[/section]/field` (or relative to `--from vault/item`, `op://` prefixes allowed); with
 * no secrets, every field of the `--from` item. Keys are the field references without `op://` and `/password`.
 */
import { SecretsError } from "../../errors.js";
import { rubySplit } from "../../ruby.js";
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

/** The 1Password adapter. */
export const onePasswordAdapter: SecretsAdapter = {
  requiresAccount: true,
  fetch({ secrets, account = "", from }, context) {
    requireCli(context, "op", ["--version"], "1Password CLI is not installed");
    const session = login(account, context);
    const request = { account, session, context };
    return secrets.length === 0 ? fetchAllFields(from, request) : fetchFields(prefixedSecrets(secrets, from), request);
  },
};

interface OpRequest {
  readonly account: string;
  readonly session: string | undefined;
  readonly context: AdapterContext;
}

/** `op account get` tells whether the account is signed in; otherwise `op signin … --raw` prints a session. */
function login(account: string, context: AdapterContext): string | undefined {
  if (runCli(context, "op", ["account", "get", "--account", account]).exitCode === 0) return undefined;
  const signin = runCli(context, "op", ["signin", "--account", account, "--force", "--raw"], { interactive: true });
  if (signin.exitCode !== 0 || signin.notFound) throw new SecretsError("Failed to login to 1Password");
  const session = signin.stdout.trim();
  return session === "" ? undefined : session;
}

function fetchFields(secrets: readonly string[], request: OpRequest): VaultSecrets {
  const results: VaultSecrets = new Map();
  for (const [vault, items] of vaultsItemsFields(secrets)) {
    for (const [item, fields] of items) {
      let fieldsJson = opItemGet({ vault, item, fields, request });
      if (fields.length === 1) fieldsJson = [fieldsJson];
      addFields(results, asArray(fieldsJson, "op item get"));
    }
  }
  return results;
}

function fetchAllFields(from: string | undefined, request: OpRequest): VaultSecrets {
  const [vault, item] = rubySplit((from ?? "").replace(/^op:\/\//, ""), "/");
  if (vault === undefined || item === undefined) {
    throw new SecretsError("1Password: give the secrets to fetch, or --from VAULT/ITEM to fetch all of its fields");
  }
  const results: VaultSecrets = new Map();
  addFields(results, asArray(field(opItemGet({ vault, item, request }), "fields"), "op item get"));
  return results;
}

/** Groups `vault/item/section/field` references by vault and item; a missing field means `password`. */
function vaultsItemsFields(secrets: readonly string[]): Map<string, Map<string, string[]>> {
  const vaults = new Map<string, Map<string, string[]>>();
  for (const secret of secrets) {
    const [vault, item, ...fields] = rubySplit(secret.replace(/^op:\/\//, ""), "/");
    if (vault === undefined || item === undefined) {
      throw new SecretsError(`1Password secret '${secret}' should be VAULT/ITEM[/FIELD] (or use --from VAULT/ITEM)`);
    }
    if (fields.length === 0) fields.push("password");
    const items = vaults.get(vault) ?? new Map<string, string[]>();
    vaults.set(vault, items);
    items.set(item, [...(items.get(item) ?? []), fields.join(".")]);
  }
  return vaults;
}

/** Keys are the field references without `op://` and a trailing `/password`. */
function addFields(results: VaultSecrets, fieldsJson: readonly unknown[]): void {
  for (const fieldJson of fieldsJson) {
    const reference = field(fieldJson, "reference");
    if (typeof reference !== "string")
      throw new SecretsError("Unexpected output from `op item get`: a field has no reference");
    const key = reference.replace(/^op:\/\//, "").replace(/\/password$/, "");
    results.set(key, secretValue(field(fieldJson, "value")));
  }
}

function opItemGet({
  vault,
  item,
  fields,
  request,
}: {
  vault: string;
  item: string;
  fields?: readonly string[];
  request: OpRequest;
}): unknown {
  const args = ["item", "get", item, "--vault", vault, "--format", "json", "--account", request.account];
  if (request.session !== undefined) args.push("--session", request.session);
  if (fields !== undefined && fields.length > 0) args.push("--fields", fields.map((f) => `label=${f}`).join(","));
  const result = runCli(request.context, "op", args);
  if (result.exitCode !== 0 || result.notFound) {
    const what = fields !== undefined && fields.length > 0 ? `${fields.join(", ")} ` : "";
    throw new SecretsError(`Could not read ${what}from ${item} in the ${vault} 1Password vault`);
  }
  return parseCliJson(result.stdout, "op item get");
}
