import { describe, expect, it } from "vitest";
import {
  basename,
  chomp,
  deepMerge,
  dirname,
  fileJoin,
  isBlank,
  isHash,
  isPresent,
  isTruthy,
  rubyDump,
  rubyEqual,
  rubyInspect,
  rubySplit,
  rubyStrip,
  rubyToI,
  rubyToS,
  setOwn,
} from "./ruby.js";
import { Sensitive } from "./sensitive.js";

describe("rubyToS (Ruby's to_s)", () => {
  it.each<[unknown, string]>([
    [null, ""],
    [undefined, ""],
    ["s", "s"],
    [3000, "3000"],
    [0.5, "0.5"],
    [1e20, "1.0e+20"],
    [1.5e-5, "1.5e-05"],
    [12345678901234567890n, "12345678901234567890"],
    [true, "true"],
    [false, "false"],
    [new Date(Date.UTC(2024, 0, 1)), "2024-01-01"],
    [new Date(Date.UTC(2024, 0, 1, 10, 0, 0)), "2024-01-01 10:00:00 +0000"],
  ])("rubyToS(%s) is %s", (value, expected) => {
    expect(rubyToS(value)).toBe(expected);
  });

  // The two copies disagreed here; these are Ruby's results (`ruby -e 'p 9007199254740994.0.to_s'` …).
  it("prints floats from 1e15 on in exponent form, as Float#to_s does", () => {
    expect(rubyToS(9007199254740994)).toBe("9.007199254740994e+15");
    expect(rubyToS(1e16)).toBe("1.0e+16");
  });

  it("prints arrays and hashes as inspect, keeping non-ASCII characters (Array#to_s)", () => {
    expect(rubyToS(["é", 1, null, "a\nb"])).toBe('["é", 1, nil, "a\\nb"]');
    expect(rubyToS({ a: 1, b: ["x"] })).toBe('{"a" => 1, "b" => ["x"]}');
  });

  it("gives a Sensitive's value (Kamal's Sensitive delegates to_s)", () => {
    expect(rubyToS(new Sensitive("hunter2"))).toBe("hunter2");
  });
});

describe("rubyInspect and rubyDump", () => {
  // Checked with `ruby -e 'p "\x01".inspect, "é\x7f".dump'`; the copies wrote \x01 in inspect too.
  it("inspect escapes quotes, controls and interpolation, keeps non-ASCII", () => {
    expect(rubyInspect('a"b\\c\t#{x}#y\x01\x7fé')).toBe('"a\\"b\\\\c\\t\\#{x}#y\\u0001\\u007Fé"');
  });

  it("dump also writes non-ASCII as \\u escapes", () => {
    expect(rubyDump("é\x7f")).toBe('"\\u00E9\\x7F"');
  });
});

describe("isBlank / isPresent (ActiveSupport)", () => {
  it("follows ActiveSupport", () => {
    expect([null, undefined, false, "", "  \n", [], {}, new Map()].every(isBlank)).toBe(true);
    expect([0, true, "x", [0], { a: 1 }, new Date(0)].some(isBlank)).toBe(false);
    expect(isPresent("x")).toBe(true);
  });

  // Ruby's [[:space:]]: NEL is space, the BOM is not (the copies used JavaScript's \s, the other way round).
  it("uses Ruby's [[:space:]] for strings", () => {
    expect(isBlank("\u0085\u00a0\u3000")).toBe(true);
    expect(isBlank("\ufeff")).toBe(false);
  });

  // The shell-escape copy looked inside a Sensitive; Kamal's Sensitive has no empty?, so it is present.
  it("treats a Sensitive as present, even an empty one", () => {
    expect(isPresent(new Sensitive(""))).toBe(true);
  });

  it("isTruthy is Ruby truthiness", () => {
    expect([null, undefined, false].some(isTruthy)).toBe(false);
    expect(["", 0, [], {}].every(isTruthy)).toBe(true);
  });
});

describe("isHash", () => {
  it("accepts only plain hashes", () => {
    expect(isHash({})).toBe(true);
    expect(isHash(Object.create(null))).toBe(true);
    expect([[], null, new Date(), "x", new Sensitive("x"), new Map()].some(isHash)).toBe(false);
  });
});

describe("rubySplit (String#split with a string separator)", () => {
  it("drops trailing empty fields without a limit", () => {
    expect(rubySplit("a,b,,", ",")).toEqual(["a", "b"]);
    expect(rubySplit(",a", ",")).toEqual(["", "a"]);
    expect(rubySplit("", ",")).toEqual([]);
  });

  it("keeps at most `limit` fields, the last one with the rest", () => {
    expect(rubySplit("a:b:c", ":", 2)).toEqual(["a", "b:c"]);
    expect(rubySplit("a:", ":", 2)).toEqual(["a", ""]);
    expect(rubySplit("a", ":", 3)).toEqual(["a"]);
  });
});

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

  // The copy in config/ruby.ts assigned `out[key]`, which for `__proto__` replaced the result's prototype.
  it("keeps a __proto__ key as an ordinary key", () => {
    const over: Record<string, unknown> = {};
    setOwn(over, "__proto__", { polluted: true });
    const merged = deepMerge({ a: 1 }, over);
    expect(Object.keys(merged)).toEqual(["a", "__proto__"]);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect((merged as { polluted?: boolean }).polluted).toBeUndefined();
  });
});

describe("setOwn", () => {
  it("stores __proto__ as data", () => {
    const hash: Record<string, unknown> = {};
    setOwn(hash, "__proto__", { polluted: true });
    expect(Object.keys(hash)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(hash)).toBe(Object.prototype);
  });
});

describe("rubyEqual (Ruby ==)", () => {
  it("ignores hash key order and compares dates by time", () => {
    expect(rubyEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(rubyEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(rubyEqual(new Date(0), new Date(0))).toBe(true);
    expect(rubyEqual(5n, 5)).toBe(true);
    expect(rubyEqual(null, undefined)).toBe(true);
    expect(rubyEqual("5", 5n)).toBe(false);
  });
});

describe("paths (File.join, File.dirname, File.basename)", () => {
  it("joins with exactly one slash", () => {
    expect(fileJoin(".kamal/", "/apps", "app")).toBe(".kamal/apps/app");
  });

  // Checked with `ruby -e 'p File.dirname(p), File.basename(p)'`; the copies gave "a/" and "" for
  // "a//b" and "/" (and the builder's basename copy differed from the others).
  it.each<[string, string, string]>([
    ["", ".", ""],
    ["/", "/", "/"],
    ["//", "/", "/"],
    ["a", ".", "a"],
    ["a/", ".", "a"],
    ["/a", "/", "a"],
    ["a/b", "a", "b"],
    ["a//b", "a", "b"],
    ["a/b//", "a", "b"],
    ["//a", "/", "a"],
    ["/a/b/", "/a", "b"],
  ])("%j: dirname %j, basename %j", (path, dir, base) => {
    expect(dirname(path)).toBe(dir);
    expect(basename(path)).toBe(base);
  });
});

describe("rubyToI (String#to_i)", () => {
  // The boot copy removed every underscore first ("1__0" gave 10); Ruby stops at a double underscore.
  it("reads the leading integer, single underscores between digits, bigint beyond 2^53", () => {
    expect(rubyToI(" 25%")).toBe(25);
    expect(rubyToI("1_000")).toBe(1000);
    expect(rubyToI("1__0")).toBe(1);
    expect(rubyToI("x")).toBe(0);
    expect(rubyToI("12345678901234567890")).toBe(12345678901234567890n);
  });
});

describe("chomp and rubyStrip", () => {
  it("remove one line ending / surrounding ASCII space and NUL", () => {
    expect(chomp("a\r\n\n")).toBe("a\r\n");
    expect(rubyStrip("\0 a b \t")).toBe("a b");
  });
});
