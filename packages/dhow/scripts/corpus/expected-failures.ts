/**
 * @module
 * The list of corpus files that Kamal 2.12 itself would reject (or could not load outside their repo),
 * kept as a table in packages/dhow/test/README.md so the reasons are documented where people read them.
 * Table rows look like: | `file.yml` | `error fragment` | reason |
 */
import { readFileSync } from "node:fs";

/** One documented expected failure. */
export interface ExpectedFailure {
  readonly file: string;
  /** A fragment the error message must contain (so the file fails for the documented reason). */
  readonly errorContains: string;
  readonly reason: string;
}

/** The heading of the table in the README. */
export const EXPECTED_FAILURES_HEADING = "## Expected corpus failures";

/** Reads the table under EXPECTED_FAILURES_HEADING from a markdown file. */
export function readExpectedFailures(readmePath: string): Map<string, ExpectedFailure> {
  const text = readFileSync(readmePath, "utf8");
  const start = text.indexOf(EXPECTED_FAILURES_HEADING);
  const failures = new Map<string, ExpectedFailure>();
  if (start === -1) return failures;
  const section = text.slice(start + EXPECTED_FAILURES_HEADING.length).split(/\n## /)[0] ?? "";
  for (const line of section.split("\n")) {
    if (!line.startsWith("| `")) continue;
    const cells = line
      .split(/(?<!\\)\|/)
      .slice(1, -1)
      .map((cell) => cell.trim().replace(/\\\|/g, "|"));
    const [file, fragment, reason] = cells.map(unquote);
    if (!file || fragment === undefined) continue;
    failures.set(file, { file, errorContains: fragment, reason: reason ?? "" });
  }
  return failures;
}

function unquote(cell: string): string {
  return cell.startsWith("`") && cell.endsWith("`") ? cell.slice(1, -1) : cell;
}
