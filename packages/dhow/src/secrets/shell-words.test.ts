import { describe, expect, it } from "vitest";
import { shellEscape } from "./shell-escape.js";
import { shellSplit } from "./shell-split.js";

describe("shellEscape (Ruby String#shellescape)", () => {
  it("escapes every character outside Ruby's safe set, newlines as '\\n'", () => {
    expect(shellEscape("")).toBe("''");
    expect(shellEscape("abc-_.,:+/@09")).toBe("abc-_.,:+/@09");
    expect(shellEscape('{"A":"b c"}')).toBe('\\{\\"A\\":\\"b\\ c\\"\\}');
    expect(shellEscape("a$b`c'd(e)")).toBe("a\\$b\\`c\\'d\\(e\\)");
    expect(shellEscape("a\nb")).toBe("a'\n'b");
    expect(shellEscape("中文")).toBe("\\中\\文");
    expect(shellEscape("😀")).toBe("\\😀");
  });
});

describe("shellSplit (Ruby Shellwords.split)", () => {
  it("splits on whitespace and joins adjacent quoted parts", () => {
    expect(shellSplit("  a b\tc\n")).toEqual(["a", "b", "c"]);
    expect(shellSplit("a'b c'\"d e\"f")).toEqual(["ab cd ef"]);
    expect(shellSplit("'' \"\"")).toEqual(["", ""]);
    expect(shellSplit("")).toEqual([]);
  });

  it('unescapes backslashes outside quotes and only $ ` " \\ newline inside double quotes', () => {
    expect(shellSplit("a\\ b c\\(d\\)")).toEqual(["a b", "c(d)"]);
    expect(shellSplit('"a\\$b\\"c\\\\d\\e"')).toEqual(['a$b"c\\d\\e']);
    expect(shellSplit("'a\\b'")).toEqual(["a\\b"]);
    expect(shellSplit("a\\\nb")).toEqual(["a\\\nb"]);
  });

  it("round-trips shellEscape", () => {
    for (const value of ['{"K":"pass)word"}', "a'b\"c$d`e\\f", "multi\nline", "中文 (x)", ""]) {
      expect(shellSplit(`x ${shellEscape(value)} y`)).toEqual(["x", value, "y"]);
    }
  });

  it("rejects unmatched quotes without echoing the line", () => {
    expect(() => shellSplit("kamal secrets extract 'secret-value")).toThrow(
      "Unmatched quote at 22 in a secrets command",
    );
    expect(() => shellSplit('a "b')).toThrow("Unmatched quote");
    expect(() => shellSplit("a\0b")).toThrow("Nul character");
  });
});
