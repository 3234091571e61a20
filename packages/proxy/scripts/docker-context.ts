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

/** Copy the dependency closure of the package at `packageDir` into `outDir` (a node_modules folder). */
export function stageDependencies(packageDir: string, outDir: string): string[] {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const root = readJson(join(packageDir, "package.json"));
  const staged = new Map<string, string>();
  const queue: [name: string, from: string, optional: boolean][] = [
    ...Object.keys(root.dependencies ?? {}).map((name) => [name, packageDir, false] as [string, string, boolean]),
  ];
  while (queue.length > 0) {
    const [name, from, optional] = queue.shift()!;
    const source = findPackage(name, from);
    if (!source) {
      if (optional) continue;
      throw new Error(`dependency ${name} (needed from ${from}) is not installed; run npm install first`);
    }
    const pkg = readJson(join(source, "package.json"));
    const existing = staged.get(name);
    if (existing !== undefined) {
      if (existing !== pkg.version) {
        throw new Error(`two versions of ${name} are needed (${existing} and ${pkg.version}); staging cannot flatten them`);
      }
      continue;
    }
    staged.set(name, pkg.version);
    cpSync(source, join(outDir, name), {
      recursive: true,
      dereference: true,
      filter: (path) => !path.slice(source.length).split("/").includes("node_modules"),
    });
    for (const dep of Object.keys(pkg.dependencies ?? {})) queue.push([dep, source, false]);
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) queue.push([dep, source, true]);
  }
  return [...staged.keys()].sort();
}

/** Node's lookup: <dir>/node_modules/<name>, walking up from `from`. */
function findPackage(name: string, from: string): string | undefined {
  let dir = resolve(from);
  for (;;) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
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
