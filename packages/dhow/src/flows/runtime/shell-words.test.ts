import { describe, expect, it } from "vitest";
import { splitShellWords } from "./shell-words.js";

describe("splitShellWords", () => {
  it("splits on whitespace and keeps quoted words together", () => {
    expect(splitShellWords(`app exec -i "bin/rails console"`)).toEqual(["app", "exec", "-i", "bin/rails console"]);
    expect(splitShellWords(`  a   'b c'  d\\ e `)).toEqual(["a", "b c", "d e"]);
  });
  it("joins adjacent quoted parts and handles escapes inside double quotes", () => {
    expect(splitShellWords(`--message="say \\"hi\\""`)).toEqual(['--message=say "hi"']);
    expect(splitShellWords(`x'y'"z"`)).toEqual(["xyz"]);
    expect(splitShellWords(`''`)).toEqual([""]);
  });
  it("rejects unmatched quotes", () => {
    expect(() => splitShellWords(`a "b`)).toThrow(/Unmatched quote/);
  });
  // Ruby's Shellwords (one copy, in ruby.ts): the aliases copy split on any Unicode space and dropped the
  // backslash of backslash-newline; Ruby splits on ASCII space only and keeps backslash-newline.
  it("splits as Ruby's Shellwords does", () => {
    expect(splitShellWords("a\u00a0b c")).toEqual(["a\u00a0b", "c"]);
    expect(splitShellWords("a\\\nb")).toEqual(["a\\\nb"]);
  });
});
