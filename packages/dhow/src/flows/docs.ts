/**
 * @module
 * `dhow docs [section]`: dhow's annotated example configuration, one YAML file per section of
 * config/deploy.yml (accessory, alias, boot, …), kept in the package's `docs/config/` directory.
 * Each file starts with `# <Title>`, a `#` line, and a one-sentence summary that `docsIndex` lists.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DhowError, UsageError } from "../errors.js";

/** The `name` in package.json that marks dhow's package root. */
export const DHOW_PACKAGE_NAME = "dhow";

/** Where the section files live, relative to the package root. */
export const DOCS_CONFIG_DIR = join("docs", "config");

/** File extension of a section file. */
const DOC_EXTENSION = ".yml";

/** Names of the documented configuration sections, sorted (`accessory`, `alias`, …, `sshkit`). */
export function listDocSections(): string[] {
  return readdirSync(docsDirectory())
    .filter((name) => name.endsWith(DOC_EXTENSION))
    .map((name) => name.slice(0, -DOC_EXTENSION.length))
    .sort();
}

/** The annotated example YAML of one section, as stored. Throws UsageError for an unknown section. */
export function readDocSection(section: string): string {
  const sections = listDocSections();
  if (!sections.includes(section)) {
    throw new UsageError(`Unknown section: ${section} (one of: ${sections.join(", ")})`);
  }
  return readFileSync(join(docsDirectory(), section + DOC_EXTENSION), "utf8");
}

/** What `dhow docs` prints without a section: a usage line, then one line per section with its summary. */
export function docsIndex(): string {
  const sections = listDocSections();
  const width = Math.max(...sections.map((name) => name.length));
  const lines = sections.map((name) => `  ${name.padEnd(width)}  ${docSummary(readDocSection(name))}`);
  return ["Configuration sections (dhow docs <section>):", ...lines].join("\n") + "\n";
}

/** The summary of a section file: the first non-empty comment line after its `# <Title>` line. */
export function docSummary(text: string): string {
  for (const line of text.split("\n").slice(1)) {
    if (!line.startsWith("#")) break;
    const content = line.replace(/^#\s?/, "").trim();
    if (content !== "") return content;
  }
  return "";
}

/** The package root: the nearest directory above this module whose package.json is named "dhow". */
export function dhowPackageRoot(): string {
  packageRootCache ??= findDhowPackageRoot(dirname(fileURLToPath(import.meta.url)));
  return packageRootCache;
}

/** Walks up from `start` (src/flows under vitest, dist/src/flows after `tsc -b`) to dhow's package.json. */
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

/** `<package root>/docs/config`. */
function docsDirectory(): string {
  return join(dhowPackageRoot(), DOCS_CONFIG_DIR);
}

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
