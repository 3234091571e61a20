import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { resolvePlainScalar } from "../config/load/psych-scalar.js";
import { type PsychDumpOptions, RubyObject, RubySymbol, type RubyValue, toPsychYaml } from "./psych-yaml.js";

/** What the CLI wires in: the config loader's Psych scalar resolution. */
const options: PsychDumpOptions = { tokenize: resolvePlainScalar };

const dump = (value: RubyValue) => toPsychYaml(value, options);
const sym = (name: string) => new RubySymbol(name);
/** `{ value: <value> }.to_yaml` without the header: how a value prints under a String key. */
const under = (value: RubyValue) =>
  dump({ k: value })
    .replace(/^---\nk:/, "")
    .replace(/\n$/, "");

// Every expected text below was printed by Ruby 3.1 (Psych 4.0.3, libyaml 0.2.5), `{"k" => v}.to_yaml`,
// except the Y/N rule that Psych 5.2 added (Kamal 2.12's Docker image runs Ruby 3.4, Psych 5.2).
describe("toPsychYaml: Psych's choice of scalar style", () => {
  it.each<[string, string]>([
    ["plain", " plain"],
    ["10.79.0.11", " 10.79.0.11"],
    ['max-size="10m"', ' max-size="10m"'],
    ["ghcr.io/basecamp/app:v1", " ghcr.io/basecamp/app:v1"],
    ["80:80", " 80:80"],
    ["a b", " a b"],
    ["a:b", " a:b"],
    ["a #b", " 'a #b'"],
    ["a#b", " a#b"],
    ["a: b", " 'a: b'"],
    ["a:", " 'a:'"],
    ["a,b", " a,b"],
    ["[x]", ' "[x]"'],
    ["{x}", ' "{x}"'],
  ])("a string that stays plain or is quoted by libyaml: %j", (value, expected) => {
    expect(under(value)).toBe(expected);
  });

  it.each<[string, string]>([
    ["/home/deploy/.ssh/id_ecdsa", ' "/home/deploy/.ssh/id_ecdsa"'],
    ["--log-opt", ' "--log-opt"'],
    ["-", ' "-"'],
    [":sym", ' ":sym"'],
    ["$HOME", ' "$HOME"'],
    [".env", ' ".env"'],
    ["*", ' "*"'],
    [" lead", ' " lead"'],
    ['"quoted"', " '\"quoted\"'"],
    ['/a"b', ' /a"b'],
    ["y", ' "y"'],
    ["n", ' "n"'],
    ["Y", ' "Y"'],
    ["N", ' "N"'],
  ])("a string starting with a non-word character, or y/n, is double-quoted: %j", (value, expected) => {
    expect(under(value)).toBe(expected);
  });

  it.each<[string, string]>([
    ["", " ''"],
    ["true", " 'true'"],
    ["false", " 'false'"],
    ["yes", " 'yes'"],
    ["No", " 'No'"],
    ["on", " 'on'"],
    ["off", " 'off'"],
    ["null", " 'null'"],
    ["~", ' "~"'],
    ["3000", " '3000'"],
    ["0755", " '0755'"],
    ["089", " '089'"],
    ["1_000", " '1_000'"],
    ["1,000", " '1,000'"],
    ["1.5", " '1.5'"],
    ["1e5", " 1e5"],
    ["1:30", " '1:30'"],
    ["2024-01-01", " '2024-01-01'"],
    ["2024-02-30", " 2024-02-30"],
    ["0x1F", " '0x1F'"],
    ["yess", " yess"],
    ["12e3", " 12e3"],
  ])("a string Psych would read back as another type is single-quoted: %j", (value, expected) => {
    expect(under(value)).toBe(expected);
  });

  it("single-quotes what Psych reads as a Symbol, and what the scanner refuses", () => {
    expect(under(':a"b')).toBe(" ':a\"b'");
    expect(
      toPsychYaml(
        { k: "abc" },
        {
          tokenize: (text) => {
            if (text === "abc") throw new Error("Psych raises");
            return text;
          },
        },
      ),
    ).toBe("---\nk: 'abc'\n");
  });

  it("writes `<<` as an explicit !!str", () => {
    expect(dump({ "<<": "<<" })).toBe("---\n!!str '<<': !!str '<<'\n");
  });

  it("writes multi-line strings as literal blocks with libyaml's chomping and indent hints", () => {
    expect(dump({ k: "a\nb" })).toBe("---\nk: |-\n  a\n  b\n");
    expect(dump({ k: "a\nb\n" })).toBe("---\nk: |\n  a\n  b\n");
    expect(dump({ k: "a\nb\n\n" })).toBe("---\nk: |+\n  a\n  b\n\n...\n");
    expect(dump({ k: " a\nb" })).toBe("---\nk: |2-\n   a\n  b\n");
    expect(dump({ k: "a\n\nb" })).toBe("---\nk: |-\n  a\n\n  b\n");
    expect(dump({ a: { b: "x\ny" } })).toBe("---\na:\n  b: |-\n    x\n    y\n");
  });

  it("double-quotes what a literal block cannot hold, with libyaml's escapes", () => {
    expect(under("a\n")).toBe(" 'a\n\n  '");
    expect(under("a\n\n")).toBe(' "a\\n\\n"');
    expect(under("a \nb")).toBe(' "a \\nb"');
    expect(under("tab\there")).toBe(' "tab\\there"');
    expect(under("bell\u0007")).toBe(' "bell\\a"');
    expect(under("cr\rlf")).toBe(' "cr\\rlf"');
    expect(under("emoji 🚀")).toBe(' "emoji \\U0001F680"');
    expect(under("bom\ufeff")).toBe(' "bom\\uFEFF"');
    expect(under("del\u007f")).toBe(' "del\\x7F"');
    expect(under('/x"\t')).toBe(' "/x\\"\\t"');
  });

  it("keeps printable non-ASCII text plain", () => {
    expect(under("café")).toBe(" café");
    expect(under("日本語")).toBe(" 日本語");
  });

  it("folds long scalars at a space past column 80, as libyaml does", () => {
    const words = Array.from({ length: 30 }, (_, index) => `word${index}`).join(" ");
    expect(under(words)).toBe(
      " word0 word1 word2 word3 word4 word5 word6 word7 word8 word9 word10 word11 word12\n" +
        "  word13 word14 word15 word16 word17 word18 word19 word20 word21 word22 word23 word24\n" +
        "  word25 word26 word27 word28 word29",
    );
    expect(under(`/${words}`)).toBe(
      ' "/word0 word1 word2 word3 word4 word5 word6 word7 word8 word9 word10 word11 word12\n' +
        "  word13 word14 word15 word16 word17 word18 word19 word20 word21 word22 word23 word24\n" +
        '  word25 word26 word27 word28 word29"',
    );
    expect(under(`a: ${words}`)).toBe(
      " 'a: word0 word1 word2 word3 word4 word5 word6 word7 word8 word9 word10 word11 word12\n" +
        "  word13 word14 word15 word16 word17 word18 word19 word20 word21 word22 word23 word24\n" +
        "  word25 word26 word27 word28 word29'",
    );
    expect(under("x".repeat(100))).toBe(` ${"x".repeat(100)}`);
  });
});

describe("toPsychYaml: values and collections", () => {
  it("writes Symbols, nil, booleans, Integers, Floats and Dates as Psych does", () => {
    expect(
      dump(
        new Map<string | RubySymbol, RubyValue>([
          [sym("log_level"), sym("fatal")],
          [sym("nil"), null],
          [sym("yes"), true],
          [sym("no"), false],
          [sym("int"), 22],
          [sym("big"), 2n ** 70n],
          [sym("float"), 0.5],
          [sym("large_float"), 1e20],
          [sym("nan"), Number.NaN],
          [sym("inf"), Number.NEGATIVE_INFINITY],
          [sym("date"), new Date(Date.UTC(2024, 0, 31))],
          [sym("time"), new Date(Date.UTC(2024, 0, 31, 10, 5, 1, 250))],
          [sym(""), sym("")],
          ["string", sym("a b")],
        ]),
      ),
    ).toBe(
      "---\n:log_level: :fatal\n:nil:\n:yes: true\n:no: false\n:int: 22\n:big: 1180591620717411303424\n" +
        ":float: 0.5\n:large_float: 1.0e+20\n:nan: .nan\n:inf: -.inf\n:date: 2024-01-31\n" +
        ":time: 2024-01-31 10:05:01.250000000 Z\n!ruby/symbol '': !ruby/symbol\nstring: :a b\n",
    );
  });

  it("writes empty collections in flow style and sequences under a key without indentation", () => {
    expect(dump({ a: [], b: {}, c: ["x", ["y", "z"], { d: 1, e: [] }, []] })).toBe(
      '---\na: []\nb: {}\nc:\n- x\n- - "y"\n  - z\n- d: 1\n  e: []\n- []\n',
    );
    expect(dump([])).toBe("--- []\n");
    expect(dump({})).toBe("--- {}\n");
    expect(dump(["a", { b: ["c"] }])).toBe("---\n- a\n- b:\n  - c\n");
  });

  it("writes an object with its class tag and instance variables", () => {
    const jump = new RubyObject("Net::SSH::Proxy::Jump", [["jump_proxies", "root@bastion"]]);
    const command = new RubyObject("Net::SSH::Proxy::Command", [
      ["command_line_template", "ssh -W %h:%p bastion"],
      ["command_line", null],
      ["timeout", 60],
    ]);
    expect(dump({ a: jump, b: [command], c: new RubyObject("Empty", []) })).toBe(
      "---\na: !ruby/object:Net::SSH::Proxy::Jump\n  jump_proxies: root@bastion\n" +
        "b:\n- !ruby/object:Net::SSH::Proxy::Command\n  command_line_template: ssh -W %h:%p bastion\n" +
        "  command_line:\n  timeout: 60\nc: !ruby/object:Empty {}\n",
    );
  });

  it("writes keys longer than 128 bytes or spanning lines as complex keys", () => {
    const long = "k".repeat(129);
    expect(dump({ [long]: "v", ["k".repeat(128)]: "w" })).toBe(`---\n? ${long}\n: v\n${"k".repeat(128)}: w\n`);
    expect(dump({ "a\nb": ["v"] })).toBe("---\n? |-\n  a\n  b\n: - v\n");
    expect(dump({ "": "empty key" })).toBe("---\n'': empty key\n");
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Differential check: the same values dumped by the real Psych. Values travel as JSON; objects with a marker
// key stand for Ruby types JSON lacks ({"$sym"}, {"$hash": [[k, v]…]} for Symbol keys, {"$float"}, {"$date"},
// {"$obj", "ivars"}).

type Marked = null | boolean | number | string | Marked[] | { [key: string]: Marked };

const RUBY_BUILD = `
require "yaml"; require "json"; require "date"
def build(v)
  case v
  when Array then v.map { |x| build(x) }
  when Hash
    if v.key?("$sym") then v["$sym"].to_sym
    elsif v.key?("$hash") then v["$hash"].to_h { |k, x| [build(k), build(x)] }
    elsif v.key?("$float") then Float(v["$float"])
    elsif v.key?("$date") then Date.parse(v["$date"])
    elsif v.key?("$obj")
      parent = Object
      parts = v["$obj"].split("::")
      parts[0..-2].each { |m| parent = parent.const_defined?(m, false) ? parent.const_get(m) : parent.const_set(m, Module.new) }
      klass = parent.const_defined?(parts[-1], false) ? parent.const_get(parts[-1]) : parent.const_set(parts[-1], Class.new)
      object = klass.allocate
      v["ivars"].each { |name, x| object.instance_variable_set("@#{name}", build(x)) }
      object
    else v.transform_values { |x| build(x) }
    end
  else v
  end
end
STDOUT.write(JSON.generate({ "psych" => Psych::VERSION, "out" => JSON.parse(STDIN.read).map { |s| build(s).to_yaml } }))
`;

function fromMarked(value: Marked): RubyValue {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(fromMarked);
  if (typeof value.$sym === "string") return sym(value.$sym);
  if (typeof value.$float === "string") return Number(value.$float);
  if (typeof value.$date === "string") return new Date(`${value.$date}T00:00:00Z`);
  if (Array.isArray(value.$hash)) {
    return new Map(
      value.$hash.map((pair) => {
        const [key, item] = pair as [Marked, Marked];
        return [fromMarked(key) as string | RubySymbol, fromMarked(item)] as const;
      }),
    );
  }
  if (typeof value.$obj === "string") {
    const ivars = (value.ivars as [string, Marked][]).map(([name, item]) => [name, fromMarked(item)] as const);
    return new RubyObject(value.$obj, ivars);
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fromMarked(item)]));
}

/** Strings chosen to hit every branch of Psych's and libyaml's quoting rules. */
const TRICKY_STRINGS = [
  "",
  " ",
  "a",
  "y",
  "n",
  "yes",
  "No",
  "ON",
  "off",
  "true",
  "False",
  "null",
  "Null",
  "~",
  "<<",
  "=",
  "-",
  "--",
  "---",
  "--- a",
  "...",
  "- a",
  "-a",
  "?",
  "? a",
  "?a",
  ":",
  ": a",
  ":a",
  "a:",
  "a: b",
  "a:b",
  "a :b",
  "#",
  "#a",
  "a#b",
  "a #b",
  "a#",
  ",a",
  "a,b",
  "[a]",
  "a[b]",
  "{a}",
  "a{b}",
  "&a",
  "*a",
  "!a",
  "|a",
  ">a",
  "'a",
  "a'b",
  "'a'",
  '"a"',
  'a"b',
  '/a"b',
  "%a",
  "@a",
  "`a",
  "a`",
  "0",
  "00",
  "007",
  "08",
  "0_8",
  "09.5",
  "1",
  "-1",
  "+1",
  "1.0",
  "1.",
  ".5",
  "-.5",
  ".",
  "-.",
  "1e3",
  "1.0e+3",
  "1_000",
  "1,000",
  ",1",
  "0b101",
  "0x1f",
  "0xZZ",
  "0o17",
  "1:30",
  "1:30:45",
  "1:30.5",
  "80:80",
  "3306:3306",
  "127.0.0.1:5432:5432",
  ".inf",
  "-.Inf",
  ".NaN",
  "2024-01-01",
  "2024-1-1",
  "2024-13-01",
  "2024-02-30",
  "2024-01-01 10:00:00",
  "2024-01-01T10:00:00Z",
  "2024-01-01 10:00:00 +02:00",
  "v1.2.3",
  "1.2.3",
  "10.0.0.1",
  "ghcr.io/org/app:latest",
  "/home/deploy/.ssh/id_ed25519",
  "~/.ssh/id_rsa",
  "$HOME/x",
  "${VAR}",
  "<%= x %>",
  'max-size="10m"',
  "--log-opt",
  "--volume",
  "a b",
  " a",
  "a ",
  "a  b",
  "a\tb",
  "\ta",
  "a\n",
  "a\n\n",
  "\n",
  "\n\n",
  "\na",
  "a\nb",
  "a\nb\n",
  "a\nb\n\n",
  "a \nb",
  "a\n b",
  " a\nb",
  "a\n\nb",
  "a\r\nb",
  "a\rb",
  "a\u0085b",
  "a\u2028b",
  "a\u00a0b",
  "\u00a0",
  "café",
  "日本語",
  "emoji 🚀",
  "\ufeffbom",
  "nul\u0000",
  "del\u007f",
  "esc\u001b",
  "back\\slash",
  "/back\\slash",
  "a'b c",
  "It's",
  "ü:x",
  "_a",
  "_",
  "é",
  "×",
  "1 2",
  "x".repeat(81),
  `${"word ".repeat(30)}end`,
  `/${"word ".repeat(30)}end`,
  `'${"word ".repeat(30)}end`,
  `a: ${"word ".repeat(30)}end`,
  `${"word  ".repeat(20)}end`,
  `/${"word  ".repeat(20)}end`,
  `${"x".repeat(85)} y  z`,
  `line one\n${"word ".repeat(30)}end`,
];

const hasRuby = spawnSync("ruby", ["-e", "require 'yaml'; require 'json'"]).status === 0;

describe.skipIf(!hasRuby)("toPsychYaml against the real Psych (needs ruby; CI installs it)", () => {
  function psych(samples: Marked[]): { version: string; out: string[] } {
    const result = spawnSync("ruby", ["-e", RUBY_BUILD], {
      input: JSON.stringify(samples),
      encoding: "utf8",
      maxBuffer: 1 << 28,
    });
    expect(result.stderr).toBe("");
    const parsed = JSON.parse(result.stdout) as { psych: string; out: string[] };
    return { version: parsed.psych, out: parsed.out };
  }

  /** Psych before 5.2 did not quote `Y`/`N`; those samples are compared only against 5.2 or newer. */
  function psych52(version: string): boolean {
    const [major = 0, minor = 0] = version.split(".").map(Number);
    return major > 5 || (major === 5 && minor >= 2);
  }

  it("writes every tricky string as Psych does, as a value, a key, a sequence item and a nested value", () => {
    const samples: Marked[] = TRICKY_STRINGS.flatMap((text) => [
      { k: text },
      { [text]: "v" },
      [text, [text]],
      { a: { b: text, c: [text] } },
    ]);
    const { version, out } = psych(samples);
    const mismatches = samples.flatMap((sample, index) => {
      const text = TRICKY_STRINGS[Math.floor(index / 4)] as string;
      if (/^[YN]$/.test(text) && !psych52(version)) return [];
      const ours = dump(fromMarked(sample));
      return ours === out[index]
        ? []
        : [`${JSON.stringify(sample)}: dhow ${JSON.stringify(ours)}, psych ${JSON.stringify(out[index])}`];
    });
    expect(mismatches).toEqual([]);
  });

  it("writes a kamal config shaped document as Psych does", () => {
    const document: Marked = {
      $hash: [
        [{ $sym: "roles" }, ["web", "workers"]],
        [{ $sym: "hosts" }, ["10.79.0.11", "10.79.0.12"]],
        [{ $sym: "primary_host" }, "10.79.0.11"],
        [{ $sym: "volume_args" }, []],
        [
          { $sym: "ssh_options" },
          {
            $hash: [
              [{ $sym: "user" }, "root"],
              [{ $sym: "port" }, 22],
              [{ $sym: "proxy" }, { $obj: "Net::SSH::Proxy::Jump", ivars: [["jump_proxies", "root@bastion"]] }],
              [{ $sym: "keepalive" }, true],
              [{ $sym: "keys" }, ["/home/deploy/.ssh/id_ecdsa"]],
              [{ $sym: "config" }, false],
              [{ $sym: "log_level" }, { $sym: "fatal" }],
            ],
          },
        ],
        [{ $sym: "sshkit" }, {}],
        [{ $sym: "builder" }, { arch: ["amd64", "arm64"], args: { RUBY: { $float: "3.5" }, NODE: 20 }, cache: null }],
        [
          { $sym: "accessories" },
          {
            db: {
              image: "mysql:8.0",
              port: "127.0.0.1:3306:3306",
              env: { clear: { MYSQL_ROOT_HOST: "%", ENABLED: true }, secret: ["MYSQL_ROOT_PASSWORD"] },
              directories: ["data:/var/lib/mysql"],
              files: ["config/mysql/production.cnf:/etc/mysql/my.cnf"],
              cmd: "--max-connections=500",
              options: { cpus: { $float: "0.5" }, memory: "1g" },
              since: { $date: "2024-01-31" },
            },
          },
        ],
        [{ $sym: "logging" }, ["--log-opt", 'max-size="10m"']],
      ],
    };
    const { out } = psych([document]);
    expect(dump(fromMarked(document))).toBe(out[0]);
  });

  it("agrees with Psych on 3000 random strings as keys, values and items", () => {
    let seed = 20261204;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const alphabet = [
      ..."ab0179:.-_#,'\"[]{}!&*|>%@`?~/\\= \t\n\r",
      ..."é日🚀\u0085\u00a0\ufeff\u2028\u0000\u001f",
      "  ",
      "yes",
      "null",
      "word ",
      "xxxxxxxxxx ",
    ];
    const texts: string[] = [];
    for (let index = 0; index < 3000; index++) {
      const length = Math.floor(random() * (random() < 0.1 ? 60 : 8));
      let text = "";
      for (let char = 0; char < length; char++) text += alphabet[Math.floor(random() * alphabet.length)];
      texts.push(text);
    }
    const samples: Marked[] = texts.map((text) => ({ [text]: [text, { k: text }] }));
    const { out } = psych(samples);
    const mismatches = samples.flatMap((sample, index) => {
      const ours = dump(fromMarked(sample));
      return ours === out[index]
        ? []
        : [`${JSON.stringify(texts[index])}: dhow ${JSON.stringify(ours)}, psych ${JSON.stringify(out[index])}`];
    });
    expect(mismatches.slice(0, 10)).toEqual([]);
  });
});
