import { describe, expect, it } from "vitest";
import { ConfigError } from "../../errors.js";
import { identityMap } from "./template-map.js";
import { parseYaml } from "./yaml-parse.js";

function load(text: string): unknown {
  return parseYaml(text, { file: "deploy.yml", map: identityMap(text) }).value;
}

describe("parseYaml (YAML.unsafe_load semantics)", () => {
  it("types scalars as Psych does", () => {
    expect(load("a: yes\nb: y\nc: 0755\nd: '0755'\ne: 1:30\nf: ~\ng:\nh: :quiet\ni: 1.0")).toEqual({
      a: true,
      b: "y",
      c: 493,
      d: "0755",
      e: 5400,
      f: null,
      g: null,
      h: "quiet",
      i: 1,
    });
  });

  it("resolves anchors and aliases", () => {
    expect(load("x-env: &env\n  A: 1\nenv: *env\nlist: &l [a, b]\nother: *l")).toEqual({
      "x-env": { A: 1 },
      env: { A: 1 },
      list: ["a", "b"],
      other: ["a", "b"],
    });
  });

  it("merges `<<` keys the way Psych does (later merge overwrites earlier keys)", () => {
    const text = "base: &b\n  p: 1\n  q: 2\ny:\n  p: 0\n  <<: *b\n  r: 3\nz:\n  <<: *b\n  q: 9";
    expect(load(text)).toEqual({ base: { p: 1, q: 2 }, y: { p: 1, q: 2, r: 3 }, z: { p: 1, q: 9 } });
  });

  it("merges a sequence of hashes right to left", () => {
    expect(load("a: &a {k: 1, x: a}\nb: &b {k: 2, y: b}\nc:\n  <<: [*a, *b]")).toMatchObject({
      c: { k: 1, x: "a", y: "b" },
    });
  });

  it("keeps a `<<` key whose value is not a hash", () => {
    expect(load("s: &s hi\ny:\n  <<: *s")).toEqual({ s: "hi", y: { "<<": "hi" } });
    expect(load("y:\n  <<: !ruby/object:YAML.load_file config/deploy.yml")).toEqual({
      y: { "<<": "config/deploy.yml" },
    });
  });

  it("lets the last duplicate key win", () => {
    expect(load("a: 1\na: 2")).toEqual({ a: 2 });
  });

  it("reads only the first document", () => {
    expect(load("---\na: 1\n---\nb: 2")).toEqual({ a: 1 });
    expect(load("--- {}")).toEqual({});
  });

  it("gives false for an empty stream and null for an empty document", () => {
    expect(load("")).toBe(false);
    expect(load("# just a comment\n")).toBe(false);
    expect(load("---\n")).toBe(null);
  });

  it("keeps a __proto__ key as data", () => {
    const value = load("__proto__:\n  polluted: 1") as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("records where each key path is (value for scalars, key for block collections)", () => {
    const text = "service: app\nservers:\n  web:\n    hosts:\n      - 1.1.1.1\n      - host: tag\nenv: {A: 1}";
    const { locations } = parseYaml(text, { file: "deploy.yml", map: identityMap(text) });
    expect(locations.locate(["service"])).toEqual({ file: "deploy.yml", line: 1, column: 10 });
    expect(locations.locate(["servers", "web"])).toEqual({ file: "deploy.yml", line: 3, column: 3 });
    expect(locations.locate(["servers", "web", "hosts", 1])).toEqual({ file: "deploy.yml", line: 6, column: 9 });
    expect(locations.locate(["env"])).toEqual({ file: "deploy.yml", line: 7, column: 6 });
    expect(locations.locate(["env", "A", "deeper"])).toEqual({ file: "deploy.yml", line: 7, column: 10 });
  });

  it("reports invalid YAML with its line", () => {
    expect(() => load("a:\n\tb: 1")).toThrow(ConfigError);
    try {
      load("a: 1\nb:\n\tc: 1");
    } catch (error) {
      expect((error as ConfigError).message).toBe("Invalid YAML: Tabs are not allowed as indentation (deploy.yml:3:1)");
    }
  });

  it("refuses recursive aliases and Ruby objects", () => {
    expect(() => load("a: &a\n  b: *a")).toThrow(/Recursive YAML alias|Unknown YAML alias/);
    expect(() => load("a: !ruby/object:Foo {x: 1}")).toThrow("Unsupported YAML tag !ruby/object:Foo");
    expect(() => load("a: !ruby/regexp /x/")).toThrow("unsupported YAML tag !ruby/regexp");
  });
});
