import { describe, expect, it } from "vitest";
import { Sensitive } from "../sensitive.js";
import {
  any,
  append,
  argumentize,
  chain,
  combine,
  docker,
  escapeShellValue,
  optionize,
  pipe,
  redact,
  render,
  rubyDump,
  shell,
  tokenStrings,
  write,
  xargs,
} from "./command.js";

describe("escapeShellValue (Kamal::Utils.escape_shell_value)", () => {
  it("dumps ASCII text in double quotes", () => {
    expect(escapeShellValue("secret")).toBe('"secret"');
    expect(escapeShellValue(`more-secret'"`)).toBe(`"more-secret'\\""`);
    expect(escapeShellValue("a\\b\nc\td")).toBe('"a\\\\b\\nc\\td"');
  });

  it("escapes backticks and $ except in a braced expansion", () => {
    const input = "`whoami` $HOME $" + "{HOST_TOKEN}";
    expect(escapeShellValue(input)).toBe('"\\`whoami\\` \\$HOME $' + '{HOST_TOKEN}"');
  });

  it("keeps non-ASCII runs raw and quotes each ASCII run", () => {
    expect(escapeShellValue("héllo")).toBe('"h"é"llo"');
    expect(escapeShellValue("日本")).toBe("日本");
  });

  it("turns scalars into text like Ruby's to_s", () => {
    expect(escapeShellValue(3306)).toBe('"3306"');
    expect(escapeShellValue(false)).toBe('"false"');
    // "".scan(...) is empty in Ruby, so nil escapes to nothing at all.
    expect(escapeShellValue(null)).toBe("");
  });

  it("dumps control characters and #{ like Ruby", () => {
    expect(rubyDump("\u0001#{x}#y\u001b")).toBe('"\\x01\\#{x}#y\\e"');
  });
});

describe("argumentize", () => {
  it("gives key=value for present values, bare keys for blank ones, key=false for false", () => {
    expect(argumentize("--label", { service: "app", destination: undefined, empty: " ", off: false })).toEqual([
      "--label",
      'service="app"',
      "--label",
      "destination",
      "--label",
      "empty",
      "--label",
      "off=false",
    ]);
  });

  it("treats a list or a scalar as bare keys", () => {
    expect(argumentize("--volume", ["/a:/b"])).toEqual(["--volume", "/a:/b"]);
    expect(argumentize("-t", 30)).toEqual(["-t", "30"]);
  });

  it("wraps sensitive pairs so only the redaction is logged", () => {
    const args = argumentize("--build-arg", { TOKEN: "s3cr3t" }, { sensitive: true });
    expect(render(args)).toBe('--build-arg TOKEN="s3cr3t"');
    expect(redact(args)).toBe("--build-arg TOKEN=[REDACTED]");
  });
});

describe("optionize", () => {
  it('gives --key "value", bare flags for true, repeated flags for arrays, nothing for null', () => {
    expect(optionize({ memory: "2GB", "cap-add": true, label: ["a=1", "b=2"], skip: null })).toEqual([
      "--memory",
      '"2GB"',
      "--cap-add",
      "--label",
      '"a=1"',
      "--label",
      '"b=2"',
    ]);
  });

  it("joins with `with`", () => {
    expect(optionize({ "buffer-requests": false, tls: true, host: ["a.com", "b.com"] }, { with: "=" })).toEqual([
      '--buffer-requests="false"',
      "--tls",
      '--host="a.com"',
      '--host="b.com"',
    ]);
  });
});

describe("combinators", () => {
  it("join commands with operators, skipping absent ones and flattening", () => {
    expect(render(combine([["mkdir", "-p", ".kamal"], undefined, ["echo", "x"]]))).toBe("mkdir -p .kamal && echo x");
    expect(render(chain(["a"], ["b"]))).toBe("a ; b");
    expect(render(pipe(["a"], "b c", null))).toBe("a | b c");
    expect(render(any(["a"], ["b"]))).toBe("a || b");
    expect(render(append(["echo", "x"], "log"))).toBe("echo x >> log");
    expect(render(write(["echo", "x"], "file"))).toBe("echo x > file");
    expect(tokenStrings(pipe(["a", ["b"]], ["c"]))).toEqual(["a", "b", "|", "c"]);
  });

  it("docker() drops absent parts; xargs prefixes", () => {
    expect(render(docker("ps", undefined, false, "-q", 3))).toBe("docker ps -q 3");
    expect(render(xargs(docker("stop")))).toBe("xargs docker stop");
  });

  it("shell() single-quotes and keeps secrets redacted in logs", () => {
    expect(render(shell(["echo", "it's"]))).toBe("sh -c 'echo it'\\''s'");
    const withSecret = shell(["login", "-p", new Sensitive('"pw"')]);
    expect(render(withSecret)).toBe(`sh -c 'login -p "pw"'`);
    expect(redact(withSecret)).toBe("sh -c 'login -p [REDACTED]'");
  });
});
