// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests are about literal ${VAR} text in secrets files
import { describe, expect, it } from "vitest";
import { SecretsError } from "../errors.js";
import { type DotenvCommand, parseDotenv } from "./parse-dotenv.js";

/** Parses with a fake command runner that echoes `echo …` commands and records every command. */
function env(text: string, processEnv: NodeJS.ProcessEnv = {}) {
  const commands: DotenvCommand[] = [];
  const values = parseDotenv(text, {
    file: ".kamal/secrets",
    env: processEnv,
    runCommand: (command) => {
      commands.push(command);
      const echo = /^echo (.*)$/s.exec(command.command);
      if (echo) return echo[1]!.replace(/^"(.*)"$/s, "$1");
      return `<${command.command}>`;
    },
  });
  return { values: Object.fromEntries(values), commands };
}
const parse = (text: string, processEnv: NodeJS.ProcessEnv = {}) => env(text, processEnv).values;

describe("parseDotenv (Ruby dotenv 3.1 semantics)", () => {
  it("parses unquoted values, trimming spaces around `=` and the value", () => {
    expect(parse("FOO=bar")).toEqual({ FOO: "bar" });
    expect(parse("FOO= bar")).toEqual({ FOO: "bar" });
    expect(parse("FOO =bar")).toEqual({ FOO: "bar" });
    expect(parse("  FOO=bar")).toEqual({ FOO: "bar" });
    expect(parse("FOO=bar  ")).toEqual({ FOO: "bar" });
    expect(parse("FOO=bar\\ bar")).toEqual({ FOO: "bar bar" });
  });

  it("parses quoted values", () => {
    expect(parse('FOO="bar"')).toEqual({ FOO: "bar" });
    expect(parse('FOO="bar"  ')).toEqual({ FOO: "bar" });
    expect(parse("FOO='bar'")).toEqual({ FOO: "bar" });
    expect(parse("FOO='bar'  ")).toEqual({ FOO: "bar" });
    expect(parse('FOO="escaped\\"bar"')).toEqual({ FOO: 'escaped"bar' });
    expect(parse(`SECRET_TOKEN='1234 with "中文"'`)).toEqual({ SECRET_TOKEN: '1234 with "中文"' });
  });

  it("parses empty values, `export`, YAML style and dotted keys", () => {
    expect(parse("FOO=")).toEqual({ FOO: "" });
    expect(parse("DATABASE_PASSWORD=\nDATABASE_USERNAME=root\nDATABASE_HOST=/tmp/mysql.sock")).toEqual({
      DATABASE_PASSWORD: "",
      DATABASE_USERNAME: "root",
      DATABASE_HOST: "/tmp/mysql.sock",
    });
    expect(parse("export OPTION_A=2")).toEqual({ OPTION_A: "2" });
    expect(parse("OPTION_A=2\nexport OPTION_A")).toEqual({ OPTION_A: "2" });
    expect(parse("OPTION_A: 1")).toEqual({ OPTION_A: "1" });
    expect(parse("FOO.BAR=foobar")).toEqual({ "FOO.BAR": "foobar" });
    expect(parse("JUSTAKEY")).toEqual({ JUSTAKEY: "" });
  });

  it("rejects `export` of an unset variable, naming the line", () => {
    expect(() => parse("OPTION_A=2\nexport OH_NO_NOT_SET")).toThrow(
      new SecretsError('Line "export OH_NO_NOT_SET" has an unset variable (.kamal/secrets:2)'),
    );
  });

  it("skips comments, blank lines and lines that are not assignments", () => {
    expect(parse("lol$wut")).toEqual({});
    expect(parse("\n \t  \nfoo=bar\n \nfizz=buzz")).toEqual({ foo: "bar", fizz: "buzz" });
    expect(parse("\n\n\n # HERE GOES FOO \nfoo=bar")).toEqual({ foo: "bar" });
    expect(parse("# HELLO=world\n")).toEqual({});
  });

  it("ends an unquoted value at `#` (with or without a space); quotes keep it", () => {
    expect(parse("foo=bar # this is foo")).toEqual({ foo: "bar" });
    expect(parse("foo=bar#baz")).toEqual({ foo: "bar" });
    expect(parse('foo="bar#baz" # comment')).toEqual({ foo: "bar#baz" });
    expect(parse('foo= "bar#baz" # comment')).toEqual({ foo: "bar#baz" });
    expect(parse("foo='ba#r'  ")).toEqual({ foo: "ba#r" });
  });

  it("keeps multi-line quoted values", () => {
    const file = `OPTION_A=first line
export OPTION_B='line 1
line 2
line 3'
OPTION_C="last line"
OPTION_ESCAPED="line one
this is \\"quoted\\"
one more line"`;
    expect(parse(file)).toEqual({
      OPTION_A: "first line",
      OPTION_B: "line 1\nline 2\nline 3",
      OPTION_C: "last line",
      OPTION_ESCAPED: 'line one\nthis is "quoted"\none more line',
    });
    expect(parse("A='it\\'s'")).toEqual({ A: "it\\'s" });
  });

  it("keeps \\n and \\r literally in double quotes unless DOTENV_LINEBREAK_MODE=legacy", () => {
    expect(parse('FOO="bar\\nbaz"')).toEqual({ FOO: "bar\\nbaz" });
    expect(parse('FOO="bar\\rbaz"')).toEqual({ FOO: "bar\\rbaz" });
    expect(parse('DOTENV_LINEBREAK_MODE=legacy\nFOO="bar\\nbaz\\rfizz"', { DOTENV_LINEBREAK_MODE: "strict" })).toEqual({
      DOTENV_LINEBREAK_MODE: "legacy",
      FOO: "bar\nbaz\rfizz",
    });
    expect(parse('FOO="bar\\nbaz\\rfizz"', { DOTENV_LINEBREAK_MODE: "legacy" })).toEqual({ FOO: "bar\nbaz\rfizz" });
    expect(parse("FOO=a\\nb")).toEqual({ FOO: "anb" });
  });

  it("accepts CRLF and CR line endings", () => {
    expect(parse("FOO=bar\rbaz=fbb")).toEqual({ FOO: "bar", baz: "fbb" });
    expect(parse("FOO=bar\r\nbaz=fbb")).toEqual({ FOO: "bar", baz: "fbb" });
  });

  it("substitutes $VAR and ${VAR} from earlier keys, then the environment; undefined is empty", () => {
    expect(parse("FOO=test\nBAR=$FOO")).toEqual({ FOO: "test", BAR: "test" });
    expect(parse("FOO=test\nBAR=${FOO}bar")).toEqual({ FOO: "test", BAR: "testbar" });
    expect(parse("BAR=$FOO", { FOO: "test" })).toEqual({ BAR: "test" });
    expect(parse("FOO=development\nBAR=${FOO}", { FOO: "test" })).toEqual({ FOO: "development", BAR: "development" });
    expect(parse("BAR=$FOO")).toEqual({ BAR: "" });
    expect(parse('FOO=test\nBAR="quote $FOO"')).toEqual({ FOO: "test", BAR: "quote test" });
    expect(parse("BAR=$foo_1x", { foo_1x: "lower" })).toEqual({ BAR: "lower" });
    expect(parse("BAR=$LATER\nLATER=x")).toEqual({ BAR: "", LATER: "x" });
  });

  it("leaves single-quoted values and escaped variables alone", () => {
    expect(parse("BAR='quote $FOO'")).toEqual({ BAR: "quote $FOO" });
    expect(parse('FOO="foo\\$BAR"')).toEqual({ FOO: "foo$BAR" });
    expect(parse('FOO="foo\\${BAR}"')).toEqual({ FOO: "foo${BAR}" });
    expect(parse('FOO=test\nBAR="foo\\${FOO} ${FOO}"')).toEqual({ FOO: "test", BAR: "foo${FOO} test" });
    expect(parse('FOO="bar\\$ \\$\\$"')).toEqual({ FOO: "bar$ $$" });
    expect(parse('FOO="bar $ "')).toEqual({ FOO: "bar $ " });
    expect(parse("FOO=${}x")).toEqual({ FOO: "${}x" });
  });

  it("keeps dotenv's quirks for ${VAR:-default} (only ${VAR is taken)", () => {
    expect(parse("A=${UNSET:-fallback}")).toEqual({ A: ":-fallback}" });
  });

  it("runs $(command) with variables expanded in it, reporting file, line and key", () => {
    const { values, commands } = env('VAR1=var1\n\nINTERP=$(echo VAR1 is $VAR1)\nQ="$(echo x)-y"');
    expect(values).toEqual({ VAR1: "var1", INTERP: "VAR1 is var1", Q: "x-y" });
    expect(commands.map(({ command, written, line, key }) => ({ command, written, line, key }))).toEqual([
      { command: "echo VAR1 is var1", written: "echo VAR1 is $VAR1", line: 3, key: "INTERP" },
      { command: "echo x", written: "echo x", line: 4, key: "Q" },
    ]);
    expect(commands[0]!.file).toBe(".kamal/secrets");
  });

  it("matches nested and escaped parentheses as Kamal's regex does", () => {
    expect(env('echo=$(echo "$(echo "$(echo hello)")")').commands[0]!.command).toBe('echo "$(echo "$(echo hello)")"');
    expect(env("A=$(cmd (a (b)) c)").commands[0]!.command).toBe("cmd (a (b)) c");
    // `\)` is consumed by dotenv's unescape step before the command regex sees it; `\\)` survives as `\)`.
    expect(env("A=$(cmd foo\\\\) bar)").commands[0]!.command).toBe("cmd foo\\) bar");
    expect(env("A=$(cmd ())").commands).toEqual([]);
    expect(parse("A=$(cmd ())")).toEqual({ A: "$(cmd ())" });
    expect(parse("A=$(unbalanced")).toEqual({ A: "$(unbalanced" });
  });

  it("does not run an escaped \\$(command), but expands variables in it", () => {
    const { values, commands } = env("B=b\nA=escaped-\\\\$(echo $B)");
    expect(values["A"]).toBe("escaped-$(echo b)");
    expect(commands).toEqual([]);
  });

  it("does not run commands in single quotes", () => {
    const { values, commands } = env("A='$(echo hi)'");
    expect(values).toEqual({ A: "$(echo hi)" });
    expect(commands).toEqual([]);
  });

  it("inserts command output literally (no $ expansion of it, unlike Kamal 2.12)", () => {
    const values = parseDotenv("A=$(vault)\nB=pre-$(vault)-post", {
      file: "f",
      env: { D: "oops" },
      runCommand: () => "pa$1wor$D",
    });
    expect(Object.fromEntries(values)).toEqual({ A: "pa$1wor$D", B: "pre-pa$1wor$D-post" });
  });

  it("cuts an unquoted $(command) at `#`, as the gem does", () => {
    expect(parse('A=$(echo "#")')).toEqual({ A: '$(echo "' });
    expect(parse("A=\"$(echo '#')\"")).toEqual({ A: "'#'" });
  });
});
