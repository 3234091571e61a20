import { describe, expect, it } from "vitest";
import { deepMerge } from "./deep-merge.js";

describe("deepMerge (ActiveSupport Hash#deep_merge)", () => {
  it("merges hashes recursively and replaces everything else", () => {
    const base = { a: { x: 1, y: { z: 1 } }, list: [1, 2], keep: "base", nil: "set" };
    const over = { a: { y: { w: 2 } }, list: [3], nil: null, added: true };
    expect(deepMerge(base, over)).toEqual({
      a: { x: 1, y: { z: 1, w: 2 } },
      list: [3],
      keep: "base",
      nil: null,
      added: true,
    });
    expect(base.a.y).toEqual({ z: 1 });
  });

  it("keeps base key order and appends new keys", () => {
    expect(Object.keys(deepMerge({ b: 1, a: 1 }, { c: 1, b: 2 }))).toEqual(["b", "a", "c"]);
  });

  it("replaces a hash with a scalar and a scalar with a hash", () => {
    expect(deepMerge({ a: { x: 1 } }, { a: "s" })).toEqual({ a: "s" });
    expect(deepMerge({ a: "s" }, { a: { x: 1 } })).toEqual({ a: { x: 1 } });
  });
});
