/**
 * The real-world Kamal config corpus (../shared/corpus next to the repository), through the same function
 * as `npm run corpus`: every file loads, or fails for a reason test/README.md documents (or, for a Kamal 1
 * file, with the migration hint). Skipped when the corpus is not there (e.g. a bare clone).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createRubyErbRenderer } from "../src/remote/ruby-erb.js";
import { DEFAULT_CORPUS_DIR, formatResult, runCorpus } from "../scripts/corpus/run-corpus.js";

const present = existsSync(join(DEFAULT_CORPUS_DIR, "MANIFEST.tsv"));

describe.skipIf(!present)("config corpus", () => {
  it("loads every file, or fails only as documented", { timeout: 300_000 }, () => {
    const run = runCorpus({ ruby: createRubyErbRenderer() });
    expect(run.results.length).toBeGreaterThan(400);
    expect(run.problems.map(formatResult)).toEqual([]);
    expect(run.passed).toBeGreaterThan(run.failed);
  });
});
