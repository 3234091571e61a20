/**
 * @module
 * Where the dhow package lives on disk, for the data files it ships (Kamal's schema in `config-docs/`, dhow's
 * reference in `docs/config/`). Found by walking up from this module to the package.json named "dhow", which
 * works from `src/` under vitest and from `dist/src/` after `tsc -b`.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DhowError } from "./errors.js";

/** The `name` in dhow's package.json. */
export const DHOW_PACKAGE_NAME = "dhow";

/** The package root: the nearest directory above this module whose package.json is named "dhow". */
export function dhowPackageRoot(): string {
  packageRootCache ??= findDhowPackageRoot(dirname(fileURLToPath(import.meta.url)));
  return packageRootCache;
}

/** Walks up from `start` to the directory holding dhow's package.json. */
export function findDhowPackageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && packageName(manifest) === DHOW_PACKAGE_NAME) return dir;
    if (dirname(dir) === dir) {
      throw new DhowError(`Cannot find the ${DHOW_PACKAGE_NAME} package (its package.json) above ${start}`);
    }
  }
}

// Private

let packageRootCache: string | undefined;

/** The `name` field of a package.json, or undefined when it has none or is not valid JSON. */
function packageName(manifest: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(manifest, "utf8"));
    if (typeof parsed === "object" && parsed !== null && "name" in parsed && typeof parsed.name === "string") {
      return parsed.name;
    }
  } catch {
    // Not JSON: keep walking up.
  }
  return undefined;
}
