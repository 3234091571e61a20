/**
 * @module
 * `--adapter aws_secrets_manager`: the AWS CLI, as Kamal 2.12 drives it: one
 * `aws secretsmanager batch-get-secret-value --secret-id-list <ids…> [--profile <account>] --output json`.
 * A JSON-object secret is expanded to `name/key` entries (non-string values as JSON text); any other secret is
 * `name`. No sign-in step: the CLI's own credentials apply.
 */
import { SecretsError } from "../../errors.js";
import {
  asArray,
  field,
  parseCliJson,
  prefixedSecrets,
  requireCli,
  runCli,
  type SecretsAdapter,
  type VaultSecrets,
} from "./adapter.js";

/** The AWS Secrets Manager adapter. */
export const awsSecretsManagerAdapter: SecretsAdapter = {
  requiresAccount: false,
  fetch({ secrets, account, from }, context) {
    requireCli(context, "aws", ["--version"], "AWS CLI is not installed");
    const ids = prefixedSecrets(secrets, from);
    const args = ["secretsmanager", "batch-get-secret-value", "--secret-id-list", ...ids];
    if (account !== undefined) args.push("--profile", account);
    args.push("--output", "json");
    const result = runCli(context, "aws", args);
    if (result.exitCode !== 0 || result.notFound) {
      throw new SecretsError(`Could not read ${ids.join(" ")} from AWS Secrets Manager`);
    }
    const response = parseCliJson(result.stdout, "aws secretsmanager batch-get-secret-value");
    const errors = field(response, "Errors");
    if (Array.isArray(errors) && errors.length > 0) {
      throw new SecretsError(
        errors.map((error) => `${String(field(error, "SecretId"))}: ${String(field(error, "Message"))}`).join(" "),
      );
    }
    const results: VaultSecrets = new Map();
    for (const secret of asArray(field(response, "SecretValues") ?? [], "aws secretsmanager batch-get-secret-value")) {
      addSecret(results, String(field(secret, "Name")), field(secret, "SecretString"));
    }
    return results;
  },
};

function addSecret(results: VaultSecrets, name: string, secretString: unknown): void {
  const raw = typeof secretString === "string" ? secretString : "";
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    results.set(name, raw);
    return;
  }
  if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
    for (const [key, value] of Object.entries(parsed)) results.set(`${name}/${key}`, stringify(value));
  } else {
    results.set(name, stringify(parsed));
  }
}

/** Kamal's stringify_secret_value: strings as they are, anything else as JSON. */
function stringify(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
