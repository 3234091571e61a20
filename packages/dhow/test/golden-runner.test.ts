/**
 * The golden runner itself: it must fail cases whose output differs, report unknown groups and methods
 * as failed cases (not crash), and check every assert kind.
 */
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type GoldenCase, loadGoldenCases, runGoldenCase } from "../scripts/golden/runner.js";

const cases = loadGoldenCases(resolve(dirname(fileURLToPath(import.meta.url)), "fixtures/golden")).map(
  ({ testCase }) => testCase,
);
const find = (id: string): GoldenCase => {
  const found = cases.find((testCase) => testCase.id === id);
  if (!found) throw new Error(`no case ${id}`);
  return found;
};

describe("golden runner", () => {
  it("fails a case whose expected string differs, saying where", () => {
    const result = runGoldenCase({ ...find("app.start"), expected: "docker start app-web-998" });
    expect(result.passed).toBe(false);
    expect(result.message).toContain("app-web-998");
  });

  it("reports an unknown method or group as a failed case", () => {
    const unknownMethod = runGoldenCase({
      ...find("app.start"),
      call: { ...find("app.start").call, method: "no_such_method" },
    });
    expect(unknownMethod).toMatchObject({ passed: false });
    expect(unknownMethod.message).toContain("unknown method app.no_such_method");
    const unknownGroup = runGoldenCase({ ...find("app.start"), call: { ...find("app.start").call, builder: "nope" } });
    expect(unknownGroup.message).toContain('unknown command group "nope"');
  });

  it("checks tokens, regexes, hashes and payloads", () => {
    const tokens = find("auditor.record");
    expect(runGoldenCase({ ...tokens, expected_tokens: ["mkdir"] }).passed).toBe(false);
    const match = find("lock.release");
    expect(runGoldenCase({ ...match, pattern: "^nothing$" }).passed).toBe(false);
    const hash = find("hook.env");
    expect(runGoldenCase({ ...hash, expected: { KAMAL_SERVICE: "other" } }).passed).toBe(false);
    const payload = find("lock.acquire_encodes_non_ascii_lock_details_for_shell.1");
    expect(runGoldenCase(payload).passed).toBe(true);
  });

  it("fails a case whose builder throws, with the error", () => {
    const result = runGoldenCase({
      ...find("accessory.start"),
      call: { ...find("accessory.start").call, constructor: { name: "nope" } },
    });
    expect(result.passed).toBe(false);
    expect(result.message).toContain("no accessory nope");
  });
});
