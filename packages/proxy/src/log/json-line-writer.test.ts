import { describe, expect, it } from "vitest";
import { JsonLineWriter, jsonBytes } from "./json-line-writer.js";

function written(write: (out: JsonLineWriter) => void, initialBytes = 8): string {
  const out = new JsonLineWriter(initialBytes);
  write(out);
  return out.toString();
}

describe("JsonLineWriter", () => {
  it("writes strings exactly as JSON.stringify does", () => {
    const samples = [
      "",
      "plain.example.com",
      "/path?with=query&x=1",
      'quote " and backslash \\',
      "tab\there, newline\n, return\r, bell\u0007, nul\u0000, del\u007f",
      "caf\u00e9 \u4e2d\u6587 \u{1f600}",
      "lone \ud800 surrogate \udfff",
      "<script>&amp;</script>",
      "x".repeat(5000),
    ];
    for (const value of samples) {
      expect(written((out) => out.string(value))).toBe(JSON.stringify(value));
    }
  });

  it("writes numbers exactly as JSON.stringify does", () => {
    const samples = [
      0,
      7,
      10,
      99,
      100,
      65535,
      2 ** 31,
      1_500_000,
      2 ** 53 - 1,
      -1,
      -250,
      1.5,
      1e21,
      2 ** 53,
      Number.NaN,
    ];
    for (const value of samples) {
      expect(written((out) => out.number(value))).toBe(JSON.stringify(value));
    }
    for (let i = 0; i < 1000; i++) {
      const value = Math.floor(Math.random() * 2 ** 53);
      expect(written((out) => out.number(value))).toBe(String(value));
    }
  });

  it("grows past its first buffer, keeping what was written", () => {
    const out = new JsonLineWriter(4);
    out.bytes(jsonBytes('{"a":'));
    out.string("long value ".repeat(20));
    out.byte(0x2c);
    out.text('"b":"\u00e9"}');
    expect(JSON.parse(out.toString())).toEqual({ a: "long value ".repeat(20), b: "\u00e9" });
    expect(out.length).toBe(Buffer.byteLength(out.toString()));
  });

  it("starts over on truncate, and in a fresh buffer on detach", () => {
    const out = new JsonLineWriter(64);
    out.string("first");
    const view = out.view();
    out.truncate();
    out.string("again");
    expect(view.toString()).toBe('"again"');
    expect(out.toString()).toBe('"again"');
    const held = out.view();
    out.detach();
    out.string("other");
    expect(held.toString()).toBe('"again"');
    expect(out.toString()).toBe('"other"');
  });
});
