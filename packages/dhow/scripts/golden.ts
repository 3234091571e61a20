/**
 * `npm run golden -- [dir]`: runs every golden case in `dir` (default: the package's
 * test/fixtures/golden) against dhow's command builders; one line per failing case, then `N passed, M failed`.
 * Exits 0 only when no case fails.
 */
import { dirname, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { runGoldenDir } from "./golden/runner.js";

/** The package root: this file is `scripts/golden.ts`, built to `dist/scripts/golden.js`. */
const here = dirname(fileURLToPath(import.meta.url));
const packageRoot = resolve(here, here.split(sep).includes("dist") ? "../.." : "..");
const dir = process.argv[2] ? resolve(process.argv[2]) : resolve(packageRoot, "test/fixtures/golden");
const results = runGoldenDir(dir);
for (const result of results) {
  if (!result.passed) process.stdout.write(`FAIL ${result.id}: ${result.message}\n`);
}
const failed = results.filter((result) => !result.passed).length;
process.stdout.write(`${results.length - failed} passed, ${failed} failed\n`);
process.exitCode = failed === 0 && results.length > 0 ? 0 : 1;
