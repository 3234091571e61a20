/**
 * @module
 * `dhow docs [section]`: dhow's annotated example configuration, one YAML file per section of
 * config/deploy.yml (accessory, alias, boot, …), kept in the package's `docs/config/` directory.
 * Each file starts with `# <Title>`, a `#` line, and a one-sentence summary that `docsIndex` lists.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../../errors.js";
import { dhowPackageRoot } from "../../package-root.js";

/** Re-exported for the tests and callers that located the package through this module. */
export { DHOW_PACKAGE_NAME, dhowPackageRoot, findDhowPackageRoot } from "../../package-root.js";

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

// Private

/** `<package root>/docs/config`. */
function docsDirectory(): string {
  return join(dhowPackageRoot(), DOCS_CONFIG_DIR);
}
