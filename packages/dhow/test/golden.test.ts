/**
 * Every golden case (Kamal 2.12's command strings) as its own test, through the same runner as
 * `npm run golden`.
 */
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadGoldenCases, runGoldenCase } from "../scripts/golden/runner.js";

const dir = resolve(dirname(fileURLToPath(import.meta.url)), "fixtures/golden");
const cases = loadGoldenCases(dir);

describe("golden cases", () => {
  it("finds the fixture files", () => {
    expect(cases.length).toBeGreaterThan(100);
  });

  for (const { file, testCase } of cases) {
    it(`${file}: ${testCase.id}`, () => {
      const result = runGoldenCase(testCase, file);
      expect(result.message ?? "").toBe("");
      expect(result.passed).toBe(true);
    });
  }
});
