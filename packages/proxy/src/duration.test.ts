import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "./duration.js";

describe("parseDuration", () => {
  it.each([
    ["30s", 30000],
    ["1m30s", 90000],
    ["500ms", 500],
    ["1h", 3600000],
    ["1.5s", 1500],
    ["0", 0],
    ["2us", 0.002],
    ["1h2m3s", 3723000],
    ["-1s", -1000],
    [".5s", 500],
  ])("parses %s", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["", "30", "abc", "1x", "s", "1s2", "."])("rejects %j", (text) => {
    expect(() => parseDuration(text)).toThrow(/time: (invalid duration|unknown unit)/);
  });
});

describe("formatDuration", () => {
  it.each([
    [30000, "30s"],
    [90000, "1m30s"],
    [500, "500ms"],
    [3600000, "1h0m0s"],
    [1500, "1.5s"],
    [0, "0s"],
    [0.002, "2µs"],
  ])("formats %d ms as %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
