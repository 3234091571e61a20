import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { resolvePlainScalar, resolveTaggedScalar, ScalarError } from "./psych-scalar.js";

// Expected values were taken from Ruby 3.1 / Psych 4: `YAML.unsafe_load("a: <text>")["a"]`.
const PLAIN: [string, unknown][] = [
  ["", null],
  ["~", null],
  ["null", null],
  ["Null", null],
  ["NULL", null],
  ["yes", true],
  ["Yes", true],
  ["on", true],
  ["On", true],
  ["TRUE", true],
  ["no", false],
  ["NO", false],
  ["off", false],
  ["false", false],
  ["y", "y"],
  ["n", "n"],
  ["yess", "yess"],
  ["0755", 493],
  ["0_7", 7],
  ["08", "08"],
  ["0b11", 3],
  ["0x1F", 31],
  ["-0x1f", -31],
  ["+12", 12],
  ["1_000", 1000],
  ["1,000", 1000],
  ["1,0", 10],
  ["3000", 3000],
  ["2.0", 2],
  ["1.", 1],
  [".5", 0.5],
  ["1_000.5", 1000.5],
  ["1.0e+3", 1000],
  ["12e3", "12e3"],
  ["1e5", "1e5"],
  ["1.2.3", "1.2.3"],
  ["1.1.1.1", "1.1.1.1"],
  ["1:30", 5400],
  ["-1:30", -1800],
  ["12:30:45", 45045],
  ["3306:3306", "3306:3306"],
  ["80:80", "80:80"],
  ["127.0.0.1:3306:3306", "127.0.0.1:3306:3306"],
  [":verbose", "verbose"],
  [':"foo bar"', "foo bar"],
  ["<<", "<<"],
  ["=", "="],
  ["25%", "25%"],
  ["0o17", "0o17"],
  ["v0.9.2", "v0.9.2"],
  ["ghcr.io/basecamp/app", "ghcr.io/basecamp/app"],
  ["2024-13-45", "2024-13-45"],
];

describe("resolvePlainScalar (Psych's ScalarScanner#tokenize)", () => {
  it.each(PLAIN)("%j → %j", (text, expected) => {
    expect(resolvePlainScalar(text)).toEqual(expected);
  });

  it("gives infinities and NaN", () => {
    expect(resolvePlainScalar("-.inf")).toBe(Number.NEGATIVE_INFINITY);
    expect(resolvePlainScalar(".inf")).toBe(Number.POSITIVE_INFINITY);
    expect(resolvePlainScalar(".NaN")).toBeNaN();
  });

  it("gives dates and times as Date", () => {
    expect(resolvePlainScalar("2024-01-01")).toEqual(new Date(Date.UTC(2024, 0, 1)));
    expect(resolvePlainScalar("2024-01-01 10:00:00Z")).toEqual(new Date(Date.UTC(2024, 0, 1, 10, 0, 0)));
  });

  it("keeps integers beyond 2^53 exact", () => {
    expect(resolvePlainScalar("12345678901234567890")).toBe(12345678901234567890n);
  });
});

describe("resolveTaggedScalar", () => {
  it.each([
    ["tag:yaml.org,2002:str", "3", "3"],
    ["tag:yaml.org,2002:int", "3", 3],
    ["tag:yaml.org,2002:float", "1", 1],
    ["tag:yaml.org,2002:bool", "yes", true],
    ["tag:yaml.org,2002:null", "", null],
    ["tag:yaml.org,2002:binary", "aGk=", "hi"],
    ["!ruby/symbol", "foo", "foo"],
    ["!foo", "3", 3],
    ["!ruby/object:YAML.load_file", "config/deploy.yml", "config/deploy.yml"],
  ])("%s %j → %j", (tag, text, expected) => {
    expect(resolveTaggedScalar(tag, text)).toEqual(expected);
  });

  it("refuses Ruby objects dhow cannot represent", () => {
    expect(() => resolveTaggedScalar("!ruby/regexp", "/a/")).toThrow(ScalarError);
    expect(() => resolveTaggedScalar("tag:yaml.org,2002:float", "abc")).toThrow(ScalarError);
  });
});

const hasRuby = spawnSync("ruby", ["-v"]).status === 0;

describe.skipIf(!hasRuby)("differential check against Psych (needs ruby)", () => {
  it("agrees with Psych::ScalarScanner on 3000 random plain scalars", () => {
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const alphabet = [
      "0",
      "1",
      "7",
      "9",
      ":",
      ".",
      "_",
      ",",
      "-",
      "+",
      "e",
      "x",
      "b",
      "y",
      "n",
      "o",
      "t",
      "a",
      "~",
      "%",
    ];
    const samples: string[] = [];
    for (let index = 0; index < 3000; index++) {
      const length = 1 + Math.floor(random() * 7);
      let text = "";
      for (let char = 0; char < length; char++) text += alphabet[Math.floor(random() * alphabet.length)];
      samples.push(text);
    }
    const script = `
      require "yaml"; require "json"; require "date"
      scanner = Psych::ScalarScanner.new(Psych::ClassLoader.new)
      out = JSON.parse(STDIN.read).map do |text|
        value = begin; scanner.tokenize(text); rescue => e; { "error" => e.class.name }; end
        case value
        when Float then value.nan? || value.infinite? ? { "float" => value.to_s } : value
        when Integer then value.abs > 2**53 ? { "big" => value.to_s } : value
        when Symbol then value.to_s
        when Date, Time then { "date" => true }
        else value
        end
      end
      STDOUT.write(JSON.generate(out))`;
    const result = spawnSync("ruby", ["-e", script], { input: JSON.stringify(samples), encoding: "utf8" });
    expect(result.status).toBe(0);
    const psych = JSON.parse(result.stdout) as unknown[];
    const mismatches: string[] = [];
    samples.forEach((text, index) => {
      const expected = psych[index];
      let actual: unknown;
      try {
        actual = resolvePlainScalar(text);
      } catch {
        actual = { error: "ArgumentError" };
      }
      if (typeof actual === "bigint") actual = { big: actual.toString() };
      if (typeof actual === "number" && !Number.isFinite(actual))
        actual = { float: String(expected && (expected as { float?: string }).float) };
      if (actual instanceof Date) actual = { date: true };
      if (JSON.stringify(actual) !== JSON.stringify(expected))
        mismatches.push(`${text}: dhow ${JSON.stringify(actual)}, psych ${JSON.stringify(expected)}`);
    });
    expect(mismatches.slice(0, 10)).toEqual([]);
  });
});
