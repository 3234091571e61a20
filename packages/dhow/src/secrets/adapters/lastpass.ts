/**
 * @module
 * `--adapter lastpass` (alias `last_pass`): the LastPass CLI `lpass`, as Kamal 2.12 drives it:
 * `lpass status --color never` must say `Logged in as <account>.`, else `lpass login <account>`; then one
 * `lpass show <secrets…> --json`. Keys are the entries' full names (`folder/name`).
 */
import { SecretsError } from "../../errors.js";
import { rubyInspectArray } from "../../ruby.js";
import {
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

/** The LastPass adapter. */
export const lastPassAdapter: SecretsAdapter = {
  requiresAccount: true,
  fetch({ secrets, account = "", from }, context) {
    requireCli(context, "lpass", ["--version"], "LastPass CLI is not installed");
    const status = runCli(context, "lpass", ["status", "--color", "never"]);
    if (status.stdout.trim() !== `Logged in as ${account}.`) {
      const login = runCli(context, "lpass", ["login", account], { interactive: true });
      if (login.exitCode !== 0 || login.notFound) throw new SecretsError("Failed to login to LastPass");
    }
    const names = prefixedSecrets(secrets, from);
    const result = runCli(context, "lpass", ["show", ...names, "--json"]);
    if (result.exitCode !== 0 || result.notFound) {
      throw new SecretsError(`Could not read ${rubyInspectArray(names)} from LastPass`);
    }
    const results: VaultSecrets = new Map();
    for (const item of asArray(parseCliJson(result.stdout, "lpass show"), "lpass show")) {
      results.set(String(field(item, "fullname")), secretValue(field(item, "password")));
    }
    const missing = names.filter((name) => !results.has(name));
    if (missing.length > 0) throw new SecretsError(`Could not find ${missing.join(", ")} in LastPass`);
    return results;
  },
};
