/**
 * @module
 * `--adapter gcp` (alias `gcp_secret_manager`): Google Secret Manager through `gcloud`, as Kamal 2.12 drives it.
 * `--account` is `USER[|SERVICE_ACCOUNT[,DELEGATE…]]` where USER may be `default`; the part after `|` becomes
 * `--impersonate-service-account`. Secrets are `[project/]name[/version]` (`default` project, `latest` version);
 * keys are `project/name`. Not signed in (`gcloud auth list` empty) → `gcloud auth login`.
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
  type VaultSecrets,
} from "./adapter.js";

const DEFAULT = "default";
const LATEST = "latest";

/** The Google Secret Manager adapter. */
export const gcpSecretManagerAdapter: SecretsAdapter = {
  requiresAccount: true,
  fetch({ secrets, account = DEFAULT, from }, context) {
    requireCli(context, "gcloud", ["--version"], "gcloud CLI is not installed");
    if (!loggedIn(context)) {
      runCli(context, "gcloud", ["auth", "login"], { interactive: true });
      if (!loggedIn(context)) throw new SecretsError("could not login to gcloud");
    }
    const [user = DEFAULT, serviceAccount] = splitAccount(account);
    const results: VaultSecrets = new Map();
    for (const [project, name, version] of secretsWithMetadata(prefixedSecrets(secrets, from)).values()) {
      const itemName = `${project}/${name}`;
      results.set(itemName, accessSecret({ context, project, name, version, user, serviceAccount, itemName }));
    }
    return results;
  },
};

/** `[project/]name[/version]` → [project, name, version], keyed by the secret as written (duplicates collapse). */
function secretsWithMetadata(secrets: readonly string[]): Map<string, [string, string, string]> {
  const items = new Map<string, [string, string, string]>();
  for (const secret of secrets) {
    const parts = rubySplit(secret, "/");
    if (parts.length === 1) parts.unshift(DEFAULT);
    const [project = DEFAULT, name = "", version = LATEST] = parts;
    items.set(secret, [project, name, version]);
  }
  return items;
}

function accessSecret(options: {
  context: AdapterContext;
  project: string;
  name: string;
  version: string;
  user: string;
  serviceAccount: string | undefined;
  itemName: string;
}): string {
  const args = ["secrets", "versions", "access", options.version, `--secret=${options.name}`];
  if (options.project !== DEFAULT) args.push(`--project=${options.project}`);
  if (options.user !== DEFAULT) args.push(`--account=${options.user}`);
  if (options.serviceAccount !== undefined) args.push(`--impersonate-service-account=${options.serviceAccount}`);
  args.push("--format=json");
  const result = runCli(options.context, "gcloud", args);
  if (result.exitCode !== 0 || result.notFound) {
    throw new SecretsError(`Could not read ${options.itemName} from Google Secret Manager`);
  }
  const data = field(field(parseCliJson(result.stdout.trim(), "gcloud secrets versions access"), "payload"), "data");
  return Buffer.from(typeof data === "string" ? data : "", "base64").toString("utf8");
}

function loggedIn(context: AdapterContext): boolean {
  const accounts = parseCliJson(
    runCli(context, "gcloud", ["auth", "list", "--format=json"]).stdout,
    "gcloud auth list",
  );
  return Array.isArray(accounts) && accounts.length > 0;
}

/** `account.split("|", 2)`. */
function splitAccount(account: string): [string, string | undefined] {
  const bar = account.indexOf("|");
  return bar < 0 ? [account, undefined] : [account.slice(0, bar), account.slice(bar + 1)];
}
