/**
 * @module
 * A `.kamal/secrets` file parser with the semantics of the Ruby dotenv 3.1 gem that Kamal uses
 * (`Dotenv.parse(file, overwrite: true)`): `KEY=value`, `export KEY=value`, `KEY: value`, single quotes (literal),
 * double quotes (`\"`, multi-line; `\n` becomes a newline only with DOTENV_LINEBREAK_MODE=legacy), unquoted values ending at `#`, `$VAR`/`${VAR}` and `$(command)`.
 *
 * Written by hand because no maintained npm dotenv does command substitution (and their quoting rules differ
 * from the Ruby gem's); the line grammar and the escape steps below follow the gem's regexes one to one.
 */
import { SecretsError } from "../errors.js";
import { rubyStrip } from "../ruby.js";
import { substituteValue } from "./substitute-value.js";

/** What a `$(…)` command in a secrets file looks like to the code that runs it. */
export interface DotenvCommand {
  /** The command with `$VAR`s expanded: what runs. May contain secrets; never put it in a message. */
  readonly command: string;
  /** The command as written in the file (safe to show). */
  readonly written: string;
  readonly file: string;
  /** 1-based line of the key. */
  readonly line: number;
  readonly key: string;
}

/** Options for parsing one secrets file. */
export interface ParseDotenvOptions {
  /** The file name used in messages. */
  readonly file: string;
  /** The process environment: the fallback for `$VAR` and `DOTENV_LINEBREAK_MODE`. */
  readonly env: NodeJS.ProcessEnv;
  /** Runs a `$(…)` command and returns its chomped stdout; throws (naming file and line) when it fails. */
  readonly runCommand: (command: DotenvCommand) => string;
}

// dotenv's Parser::LINE, with Ruby's ASCII `\s`, `^`/`$` only at "\n", and `.` = any character but "\n".
const S = "[ \\t\\n\\v\\f\\r]";
const LINE = new RegExp(
  "(?:(?<![\\s\\S])|(?<=\\n))" + // beginning of line
    `${S}*` + // leading whitespace
    `(?<export>export${S}+)?` + // optional export
    "(?<key>[\\w.]+)" + // key
    `(?:(?:${S}*=${S}*?|:${S}+?)` + // separator
    "(?<value>" +
    `${S}*'(?:\\\\'|[^'])*'` + // single quoted value
    "|" +
    `${S}*"(?:\\\\"|[^"])*"` + // double quoted value
    "|" +
    "[^#\\n]+" + // unquoted value
    ")?)?" +
    `${S}*` + // trailing whitespace
    "(?:#[^\\n]*)?" + // optional comment
    "(?=\\n|(?![\\s\\S]))", // end of line
  "gd",
);

/** Parses one secrets file's text into its keys and values, in file order. */
export function parseDotenv(text: string, options: ParseDotenvOptions): Map<string, string> {
  const source = text.replace(/\r\n?/g, "\n");
  const hash = new Map<string, string>();
  for (const match of source.matchAll(LINE)) {
    const groups = match.groups!;
    const key = groups["key"]!;
    const line = lineOf(source, match.indices!.groups!["key"]![0]);
    const value = groups["value"];
    if (groups["export"] !== undefined && value === undefined) {
      if (!hash.has(key)) {
        throw new SecretsError(`Line ${JSON.stringify(match[0])} has an unset variable (${options.file}:${line})`);
      }
      continue;
    }
    hash.set(key, parseValue(value ?? "", { key, line, hash, options }));
  }
  return hash;
}

interface ValueContext {
  readonly key: string;
  readonly line: number;
  readonly hash: ReadonlyMap<string, string>;
  readonly options: ParseDotenvOptions;
}

/** dotenv's parse_value: strip, unquote, expand `\n` in double quotes, unescape, substitute. */
function parseValue(raw: string, { key, line, hash, options }: ValueContext): string {
  let value = rubyStrip(raw);
  const quoted = /^(['"])([\s\S]*)\1$/.exec(value);
  const quote = quoted?.[1];
  if (quoted) value = quoted[2]!;
  if (quote === '"') value = expandNewlines(value, hash, options.env);
  if (quote === "'") return value;
  value = value.replace(/\\([^$])/g, "$1");
  return substituteValue(value, {
    lookup: (name) => (hash.has(name) ? hash.get(name) : options.env[name]),
    runCommand: (command, written) => options.runCommand({ command, written, file: options.file, line, key }),
  });
}

/** `\n`/`\r` in double quotes; DOTENV_LINEBREAK_MODE=legacy turns them into the characters directly. */
function expandNewlines(value: string, hash: ReadonlyMap<string, string>, env: NodeJS.ProcessEnv): string {
  const mode = hash.has("DOTENV_LINEBREAK_MODE") ? hash.get("DOTENV_LINEBREAK_MODE") : env["DOTENV_LINEBREAK_MODE"];
  if (mode === "legacy") return value.replaceAll("\\n", "\n").replaceAll("\\r", "\r");
  // dotenv 3's default ("strict"): `\n` stays a backslash and an `n` (doubled here, undoubled by the unescape step).
  return value.replaceAll("\\n", "\\\\n").replaceAll("\\r", "\\\\r");
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf("\n"); i >= 0 && i < index; i = text.indexOf("\n", i + 1)) line++;
  return line;
}
