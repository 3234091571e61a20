/**
 * @module
 * `--adapter bitwarden`: the Bitwarden CLI `bw`, as Kamal 2.12 drives it: `bw status`, `bw login <account>` when
 * unauthenticated, `bw unlock --raw` when locked (its output becomes BW_SESSION), `bw sync`, then
 * `bw get item <item>` per item. Secrets are `item` (the login password, or all custom fields) or `item/field`.
 */
import { SecretsError } from "../../errors.js";
import { rubySplit } from "../../ruby.js";
import {
  type AdapterContext,
  field,
  parseCliJson,
  prefixedSecrets,
  requireCli,
  runCli,
  type SecretsAdapter,
  secretValue,
  type VaultSecrets,
} from "./adapter.js";

/** The Bitwarden adapter. */
export const bitwardenAdapter: SecretsAdapter = {
  requiresAccount: true,
  fetch({ secrets, account = "", from }, context) {
    requireCli(context, "bw", ["--version"], "Bitwarden CLI is not installed");
    const session = login(account, context);
    return fetchItems(prefixedSecrets(secrets, from), session, context);
  },
};

function login(account: string, context: AdapterContext): string | undefined {
  let session: string | undefined;
  let status = bwStatus(context, session);
  if (status === "unauthenticated") {
    bw(context, ["login", account], { interactive: true });
    status = bwStatus(context, session);
  }
  if (status === "locked") {
    const unlocked = bw(context, ["unlock", "--raw"], { interactive: true }).stdout.trim();
    session = unlocked === "" ? undefined : unlocked;
    status = bwStatus(context, session);
  }
  if (status !== "unlocked") throw new SecretsError("Failed to login to and unlock Bitwarden");
  if (bw(context, ["sync"], { session }).exitCode !== 0) throw new SecretsError("Failed to sync Bitwarden");
  return session;
}

function fetchItems(secrets: readonly string[], session: string | undefined, context: AdapterContext): VaultSecrets {
  const results: VaultSecrets = new Map();
  for (const [item, requested] of itemsFields(secrets)) {
    const result = bw(context, ["get", "item", item], { session });
    if (result.exitCode !== 0 || result.notFound) throw new SecretsError(`Could not read ${item} from Bitwarden`);
    const itemJson = parseCliJson(result.stdout.trim(), "bw get item");
    // Kamal: fields.any? ignores a bare `item` requested next to nothing else.
    const fields = requested.filter((f) => f !== undefined);
    const password = field(field(itemJson, "login"), "password");
    const customFields = field(itemJson, "fields");
    if (fields.length > 0) {
      addFields({ results, fields: requested, item, itemJson });
    } else if (password !== undefined && password !== null && password !== false) {
      results.set(item, secretValue(password));
    } else if (Array.isArray(customFields) && customFields.length > 0) {
      addFields({ results, fields: customFields.map((f) => field(f, "name")), item, itemJson });
    } else {
      throw new SecretsError(`Item ${item} is not a login type item and no fields were specified`);
    }
  }
  return results;
}

/** `item/field` → key `item/field`; a missing field is Kamal's "Could not find field … in item …". */
function addFields({
  results,
  fields,
  item,
  itemJson,
}: {
  results: VaultSecrets;
  fields: readonly unknown[];
  item: string;
  itemJson: unknown;
}): void {
  const itemFields = field(itemJson, "fields");
  for (const name of fields) {
    const found = Array.isArray(itemFields) ? itemFields.find((f) => field(f, "name") === name) : undefined;
    if (found === undefined) {
      throw new SecretsError(`Could not find field ${name ?? ""} in item ${item} in Bitwarden`);
    }
    results.set(`${item}/${String(name)}`, secretValue(field(found, "value")));
  }
}

/** `item/field` pairs grouped by item; `item` alone adds an undefined field, as Ruby's split does. */
function itemsFields(secrets: readonly string[]): Map<string, (string | undefined)[]> {
  const items = new Map<string, (string | undefined)[]>();
  for (const secret of secrets) {
    const [item = "", fieldName] = rubySplit(secret, "/");
    items.set(item, [...(items.get(item) ?? []), fieldName]);
  }
  return items;
}

function bwStatus(context: AdapterContext, session: string | undefined): unknown {
  const output = bw(context, ["status"], { session }).stdout.trim();
  return field(parseCliJson(output, "bw status"), "status");
}

/** Runs `bw`, with `BW_SESSION=<session>` in its environment when there is one (Kamal prefixes the command). */
function bw(
  context: AdapterContext,
  args: readonly string[],
  { session, interactive = false }: { session?: string | undefined; interactive?: boolean },
) {
  const env = session === undefined ? context.env : { ...context.env, BW_SESSION: session };
  return runCli(context, "bw", args, { env, interactive });
}
