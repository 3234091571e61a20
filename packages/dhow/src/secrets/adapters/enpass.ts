/**
 * @module
 * `--adapter enpass`: the offline `enpass-cli`, as Kamal 2.12 drives it. `--from` is the vault path; secrets are
 * item titles (every password of the item) or `title/label`. One `enpass-cli -json -vault <path> show <titles…>`.
 * Keys are `title/label`, or `title` for an unlabelled password.
 */
import { SecretsError } from "../../errors.js";
import { isBlank } from "../../ruby.js";
import { asArray, field, parseCliJson, requireCli, runCli, type SecretsAdapter, type VaultSecrets } from "./adapter.js";

/** The Enpass adapter. */
export const enpassAdapter: SecretsAdapter = {
  requiresAccount: false,
  fetch({ secrets, from }, context) {
    requireCli(context, "enpass-cli", ["version"], "Enpass CLI is not installed");
    if (from === undefined) throw new SecretsError("Enpass needs the vault path: --from <vault path>");
    const result = runCli(context, "enpass-cli", ["-json", "-vault", from, "show", ...secretTitles(secrets)]);
    if (result.exitCode !== 0 || result.notFound) {
      throw new SecretsError(
        `Could not read from the Enpass vault ${from} (enpass-cli exited with ${result.exitCode})`,
      );
    }
    const results: VaultSecrets = new Map();
    for (const item of asArray(parseCliJson(result.stdout.trim(), "enpass-cli show"), "enpass-cli show")) {
      const title = field(item, "title");
      const label = field(item, "label");
      const password = field(item, "password");
      if (typeof title !== "string" || typeof password !== "string" || isBlank(password)) continue;
      const key = [title, label].filter((part): part is string => typeof part === "string" && part !== "").join("/");
      if (secrets.includes(title) || secrets.includes(key)) {
        if (results.has(key)) throw new SecretsError(`${key} is present more than once`);
        results.set(key, password);
      }
    }
    return results;
  },
};

/** `title/label` → `title`, `title` → `title` (the text before the last `/`), without duplicates. */
function secretTitles(secrets: readonly string[]): string[] {
  const titles = new Set<string>();
  for (const secret of secrets) {
    const slash = secret.lastIndexOf("/");
    titles.add(slash <= 0 ? secret.slice(slash + 1) : secret.slice(0, slash));
  }
  return [...titles];
}
