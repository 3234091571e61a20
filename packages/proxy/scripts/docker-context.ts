// Stages the production dependencies of dhow-proxy into packages/proxy/docker/node_modules, copied from the
// installed workspace (no registry access), so `docker build packages/proxy` needs only dist/ and that folder.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

interface PackageJson {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/**
 * Copy the dependency closure of the package at `packageDir` into `outDir` (a node_modules folder), keeping the
 * installed layout: a package nested under another's node_modules (a second version) stays nested.
 */
export function stageDependencies(packageDir: string, outDir: string): string[] {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const root = readJson(join(packageDir, "package.json"));
  const staged = new Set<string>();
  const queue: [name: string, from: string, optional: boolean][] = Object.keys(root.dependencies ?? {}).map((name) => [
    name,
    packageDir,
    false,
  ]);
  while (queue.length > 0) {
    const [name, from, optional] = queue.shift()!;
    const found = findPackage(name, from);
    if (!found) {
      if (optional) continue;
      throw new Error(`dependency ${name} (needed from ${from}) is not installed; run npm install first`);
    }
    if (staged.has(found.relative)) continue;
    staged.add(found.relative);
    const source = found.path;
    cpSync(source, join(outDir, found.relative), {
      recursive: true,
      dereference: true,
      filter: (path) => !path.slice(source.length).split("/").includes("node_modules"),
    });
    const pkg = readJson(join(source, "package.json"));
    for (const dep of Object.keys(pkg.dependencies ?? {})) queue.push([dep, source, false]);
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) queue.push([dep, source, true]);
  }
  return [...staged].sort();
}

/** Node's lookup (<dir>/node_modules/<name>, walking up from `from`), with the path relative to its top root. */
function findPackage(name: string, from: string): { path: string; relative: string } | undefined {
  let dir = resolve(from);
  for (;;) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) {
      const top = candidate.indexOf("/node_modules/");
      return { path: candidate, relative: candidate.slice(top + "/node_modules/".length) };
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function readJson(path: string): PackageJson {
  return JSON.parse(readFileSync(path, "utf8")) as PackageJson;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
  const outDir = join(packageDir, "docker", "node_modules");
  const names = stageDependencies(packageDir, outDir);
  console.log(`staged ${names.length} packages into ${outDir}`);
}
