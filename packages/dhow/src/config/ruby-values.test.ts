import { describe, expect, it } from "vitest";
import { isBlank, isHash, rubyToS, setOwn } from "./ruby-values.js";

describe("ruby-values", () => {
  it.each<[unknown, string]>([
    [null, ""],
    ["s", "s"],
    [3000, "3000"],
    [0.5, "0.5"],
    [1e20, "1.0e+20"],
    [12345678901234567890n, "12345678901234567890"],
    [true, "true"],
    [new Date(Date.UTC(2024, 0, 1)), "2024-01-01"],
    [new Date(Date.UTC(2024, 0, 1, 10, 0, 0)), "2024-01-01 10:00:00 +0000"],
  ])("rubyToS(%s) is %s", (value, expected) => {
    expect(rubyToS(value)).toBe(expected);
  });

  it("isBlank follows ActiveSupport", () => {
    expect([null, false, "", "  \n", [], {}].every(isBlank)).toBe(true);
    expect([0, true, "x", [0], { a: 1 }].some(isBlank)).toBe(false);
  });

  it("isHash accepts only plain hashes", () => {
    expect(isHash({})).toBe(true);
    expect([[], null, new Date(), "x"].some(isHash)).toBe(false);
  });

  it("setOwn stores __proto__ as data", () => {
    const hash: Record<string, unknown> = {};
    setOwn(hash, "__proto__", { polluted: true });
    expect(Object.keys(hash)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(hash)).toBe(Object.prototype);
  });
});
