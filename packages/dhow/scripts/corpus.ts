/**
 * @module
 * `npm run corpus -- [dir]`: loads every YAML file of a Kamal config corpus (default ../shared/corpus next
 * to the repository) as `dhow config` would, prints `ok` or the error per file, then `N passed, M failed`.
 * Exits 0 only when every failure is an expected one (Kamal 1 files with the migration hint, and files
 * test/README.md lists as invalid for Kamal 2.12 too).
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { createRubyErbRenderer } from "../src/remote/ruby-erb.js";
import { DEFAULT_CORPUS_DIR, formatResult, KAMAL1_REASON, runCorpus } from "./corpus/run-corpus.js";

const args = process.argv.slice(2).filter((arg) => arg !== "--");
const quiet = args.includes("--quiet");
const compareRuby = args.includes("--compare-ruby");
const dirArg = args.find((arg) => !arg.startsWith("--"));
const dir = dirArg ? resolve(process.cwd(), dirArg) : DEFAULT_CORPUS_DIR;
if (!existsSync(dir)) {
  console.error(`No corpus at ${dir}: put Kamal configs there, or pass a directory (npm run corpus -- <dir>)`);
  process.exit(1);
}

const run = runCorpus({
  dir,
  ruby: createRubyErbRenderer(),
  compareRuby,
  onResult: (result) => {
    if (!quiet || result.status !== "ok" || result.rubyDifference) console.log(formatResult(result));
  },
});

const expected = run.results.filter((result) => result.status === "expected");
const kamal1 = expected.filter((result) => result.reason === KAMAL1_REASON).length;
console.log(
  `${run.failed} failures: ${expected.length} expected (${kamal1} Kamal 1 with the migration hint, ` +
    `${expected.length - kamal1} listed in test/README.md), ${run.problems.length} unexpected or stale`,
);
if (compareRuby) {
  const differing = run.results.filter((result) => result.rubyDifference !== undefined).length;
  console.log(`compared with Ruby: ${differing} file(s) differ`);
}
console.log(`${run.passed} passed, ${run.failed} failed`);
process.exitCode = run.problems.length === 0 ? 0 : 1;
