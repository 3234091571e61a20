import { describe, expect, it } from "vitest";
import { compareGemVersions, isGemVersion } from "./gem-version.js";

describe("compareGemVersions (Gem::Version#<=>)", () => {
  it.each<[string, string, number]>([
    ["2.12.0", "2.12.0", 0],
    ["2.12", "2.12.0", 0],
    ["2.12.1", "2.12.0", 1],
    ["2.9.9", "2.12.0", -1],
    ["10000.0.0", "2.12.0", 1],
    ["2.12.0.rc1", "2.12.0", -1],
    ["2.12.0-beta", "2.12.0", -1],
    ["2.13.0.alpha", "2.12.0", 1],
    ["0.0.1", "2.12.0", -1],
    ["2", "2.0.0", 0],
  ])("%s <=> %s is %d", (a, b, expected) => {
    expect(compareGemVersions(a, b)).toBe(expected);
  });

  it("knows malformed versions", () => {
    expect(isGemVersion("1.x.y!")).toBe(false);
    expect(isGemVersion("2.0")).toBe(true);
    expect(() => compareGemVersions("nope!", "1")).toThrow("Malformed version number string nope!");
  });
});
