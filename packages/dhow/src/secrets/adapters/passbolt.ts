/**
 * @module
 * `--adapter passbolt`: the go-passbolt CLI `passbolt`, as Kamal 2.12 drives it: `passbolt verify`, then folder
 * look-ups for `folder/…/NAME` secrets (`passbolt list folders --filter '…' --json`, level by level) and one
 * `passbolt list resources --filter '…' --folder <id>… --json`. Keys are the resource names.
 */
import { SecretsError } from "../../errors.js";
import { rubyInspect, rubyInspectArray, rubySplit } from "../../ruby.js";
import { shellEscape } from "../shell-escape.js";
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

interface Folder {
  readonly id: string;
  readonly name: string;
  readonly parentId: string;
}

/** The Passbolt adapter. */
export const passboltAdapter: SecretsAdapter = {
  requiresAccount: false,
  fetch({ secrets, from }, context) {
    requireCli(context, "passbolt", ["--version"], "Passbolt CLI is not installed");
    const verify = runCli(context, "passbolt", ["verify"], { interactive: true });
    if (verify.exitCode !== 0 || verify.notFound) throw new SecretsError("Failed to login to Passbolt");
    const prefixed = prefixedSecrets(secrets, from);
    if (prefixed.length === 0) throw new SecretsError("No secrets given to fetch");

    const names = prefixed.map((secret) => rubySplit(secret, "/").at(-1) ?? "");
    const folders = findFolders(prefixed, context);
    const conditions: string[] = [];
    for (const secret of prefixed) {
      const parts = rubySplit(secret, "/");
      const name = parts.at(-1) ?? "";
      if (parts.length > 1) {
        let current: Folder | undefined;
        const path: string[] = [];
        for (const folderName of parts.slice(0, -1)) {
          path.push(folderName);
          current = folders.find((folder) => folderPath(folder, folders) === path.join("/")) ?? current;
        }
        if (current) conditions.push(`(Name == ${quoted(name)} && FolderParentID == ${quoted(current.id)})`);
      } else {
        conditions.push(`Name == ${quoted(name)}`);
      }
    }
    const args = ["list", "resources"];
    if (conditions.length > 0) args.push("--filter", conditions.join(" || "));
    for (const folder of folders) args.push("--folder", folder.id);
    args.push("--json");
    const result = runCli(context, "passbolt", args);
    if (result.exitCode !== 0 || result.notFound)
      throw new SecretsError(`Could not read ${rubyInspectArray(prefixed)} from Passbolt`);
    const items = asArray(parseCliJson(result.stdout, "passbolt list resources"), "passbolt list resources");
    const found = items.map((item) => field(item, "name"));
    const missing = names.filter((name) => !found.includes(name));
    if (missing.length > 0) {
      throw new SecretsError(`Could not find the following secrets in Passbolt: ${missing.join(", ")}`);
    }
    const results: VaultSecrets = new Map();
    for (const item of items) results.set(String(field(item, "name")), secretValue(field(item, "password")));
    return results;
  },
};

/** Looks up every folder on the secrets' paths: the top-level ones in one call, then each nested level. */
function findFolders(secrets: readonly string[], context: AdapterContext): Folder[] {
  const paths = uniquePaths(secrets.filter((s) => s.includes("/")).map((s) => rubySplit(s, "/").slice(0, -1)));
  if (paths.length === 0) return [];
  const parents = [...new Set(paths.map((path) => path[0] ?? ""))];
  const top = listFolders(
    context,
    parents.map((name) => `Name == ${quoted(name)}`),
  );
  if (top === undefined) throw new SecretsError("Could not read folders from Passbolt");
  const all = [...top];
  for (const path of paths) {
    if (path.length <= 1) continue;
    let current = top.find((folder) => folder.name === path[0]);
    if (!current) continue;
    for (const folderName of path.slice(1)) {
      const nested = listFolders(context, [`Name == ${quoted(folderName)} && FolderParentID == ${quoted(current.id)}`]);
      if (nested === undefined) continue;
      if (nested.length === 0) break;
      all.push(...nested);
      current = nested[0]!;
    }
  }
  const found = all.map((folder) => folderPath(folder, all));
  const missing = paths.map((path) => path.join("/")).filter((path) => !found.includes(path));
  if (missing.length > 0) {
    throw new SecretsError(`Could not find the following folders in Passbolt: ${missing.join(", ")}`);
  }
  return all;
}

/** `passbolt list folders --filter '<a || b>' --json`, or undefined when the command fails. */
function listFolders(context: AdapterContext, conditions: readonly string[]): Folder[] | undefined {
  const result = runCli(context, "passbolt", ["list", "folders", "--filter", conditions.join(" || "), "--json"]);
  if (result.exitCode !== 0 || result.notFound) return undefined;
  return asArray(parseCliJson(result.stdout, "passbolt list folders"), "passbolt list folders").map((folder) => ({
    id: String(field(folder, "id") ?? ""),
    name: String(field(folder, "name") ?? ""),
    parentId: String(field(folder, "folder_parent_id") ?? ""),
  }));
}

/** A folder's full path by following parent ids through the known folders. */
function folderPath(folder: Folder, all: readonly Folder[], path: string[] = []): string {
  path.unshift(folder.name);
  if (folder.parentId === "") return path.join("/");
  const parent = all.find((candidate) => candidate.id === folder.parentId);
  return parent ? folderPath(parent, all, path) : path.join("/");
}

/** Kamal writes names into filters as `name.shellescape.inspect`. */
function quoted(name: string): string {
  return rubyInspect(shellEscape(name));
}

function uniquePaths(paths: readonly string[][]): string[][] {
  const seen = new Set<string>();
  return paths.filter((path) => {
    const key = JSON.stringify(path);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
