/**
 * @module
 * Kamal's shell quoting and argument helpers (`Kamal::Utils`: `escape_shell_value`, `argumentize`,
 * `optionize`), as pure string functions. A leaf module: command builders use it through
 * `commands/command.ts`, and the config model uses it for the few argument lists Kamal's config exposes
 * (`volume_args`, `logging_args` in `kamal config`).
 */
import { Sensitive } from "./sensitive.js";

/** Attributes for `argumentize`: a hash, a list of bare keys, or one bare key. */
export type Attributes =
  | Readonly<Record<string, unknown>>
  | ReadonlyMap<string, unknown>
  | readonly (string | number)[]
  | string
  | number
  | null
  | undefined;

/** An options hash for `optionize`: array values repeat the flag, `true` gives a bare flag, null is skipped. */
export type Options = Readonly<Record<string, unknown>> | ReadonlyMap<string, unknown>;

/**
 * Kamal's `argumentize`: `[argument, "key=<escaped value>"]` per entry; a blank value gives a bare key,
 * `false` gives `key=false`. With `sensitive`, each `key=value` is a Sensitive token redacted as `key=[REDACTED]`.
 */
export function argumentize(
  argument: string,
  attributes: Attributes,
  options: { sensitive?: boolean } = {},
): (string | Sensitive)[] {
  const out: (string | Sensitive)[] = [];
  for (const [key, value] of attributeEntries(attributes)) {
    if (isPresent(value)) {
      const attr = `${key}=${escapeShellValue(value)}`;
      out.push(argument, options.sensitive ? new Sensitive(attr, `${key}=[REDACTED]`) : attr);
    } else if (value === false) {
      out.push(argument, `${key}=false`);
    } else {
      out.push(argument, key);
    }
  }
  return out;
}

/**
 * Kamal's `optionize`: `--key "value"` per entry (arrays repeat the flag, `true` gives a bare `--key`,
 * null/undefined are skipped). With `with: "="` each option is one token: `--key="value"`.
 */
export function optionize(args: Options, options: { with?: string } = {}): string[] {
  const out: string[] = [];
  for (const [key, value] of flattenArgs(args)) {
    if (value === null || value === undefined) continue;
    if (options.with !== undefined) {
      out.push(value === true ? `--${key}` : `--${key}${options.with}${escapeShellValue(value)}`);
    } else {
      out.push(`--${key}`);
      if (value !== true) out.push(escapeShellValue(value));
    }
  }
  return out;
}

/**
 * Kamal's `escape_shell_value`: each ASCII run is Ruby `String#dump`ed (double-quoted), then backticks
 * and `$` are escaped except in `${…}`; non-ASCII runs are kept raw.
 */
export function escapeShellValue(value: unknown): string {
  const text = rubyToS(value);
  const parts = text.match(/[\x00-\x7F]+|[^\x00-\x7F]+/gu) ?? [];
  return parts
    .map((part) =>
      /^[\x00-\x7F]+$/.test(part)
        ? rubyDump(part)
            .replaceAll("`", "\\`")
            .replace(/\$(?!\{[^}]*\})/g, "\\$")
        : part,
    )
    .join("");
}

/**
 * Ruby's `String#dump` for ASCII text: `"…"` with `\"`, `\\`, `\n`, `\t`, `\r`, `\f`, `\v`, `\b`, `\a`,
 * `\e`, `\xNN` for other control characters, and `\#` before `{`, `$` or `@`. Hand-written because no
 * library reproduces Ruby's exact dump format, and Kamal's command strings depend on it.
 */
export function rubyDump(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    const code = ch.charCodeAt(0);
    const named = DUMP_ESCAPES[ch];
    if (named !== undefined) out += named;
    else if (ch === "#" && (text[i + 1] === "{" || text[i + 1] === "$" || text[i + 1] === "@")) out += "\\#";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).toUpperCase().padStart(2, "0")}`;
    else if (code > 0x7f) out += `\\u${code.toString(16).toUpperCase().padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Ruby's `to_s` for the values configs and arguments hold (nil → "", numbers and booleans as text). */
export function rubyToS(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Sensitive) return value.reveal();
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (Array.isArray(value)) return `[${value.map((item) => rubyInspect(item)).join(", ")}]`;
  return String(value);
}

/** ActiveSupport's `present?` (the opposite of `blank?`) for config values. */
export function isPresent(value: unknown): boolean {
  if (value === null || value === undefined || value === false) return false;
  if (typeof value === "string") return /\S/u.test(value);
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Map) return value.size > 0;
  if (value instanceof Sensitive) return /\S/u.test(value.reveal());
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}

/** Quotes a string for a POSIX shell with single quotes (`'…'\''…'`), as Kamal's `run_over_ssh` does. */
export function singleQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

/** Ruby's `Array(attributes).flat_map { |key, value| … }` pairs. */
function attributeEntries(attributes: Attributes): [string, unknown][] {
  if (attributes === null || attributes === undefined) return [];
  if (typeof attributes === "string" || typeof attributes === "number") return [[String(attributes), undefined]];
  if (attributes instanceof Map) return [...attributes.entries()].map(([key, value]) => [String(key), value]);
  if (Array.isArray(attributes)) return attributes.map((item) => [rubyToS(item), undefined]);
  return Object.entries(attributes as Record<string, unknown>);
}

/** Kamal's `flatten_args`: one `[key, entry]` pair per array entry, else `[key, value]`. */
function flattenArgs(args: Options): [string, unknown][] {
  const entries: [string, unknown][] =
    args instanceof Map ? [...args.entries()] : Object.entries(args as Record<string, unknown>);
  const out: [string, unknown][] = [];
  for (const [key, value] of entries) {
    if (Array.isArray(value)) for (const entry of value) out.push([key, entry]);
    else out.push([key, value]);
  }
  return out;
}

function rubyInspect(value: unknown): string {
  if (value === null || value === undefined) return "nil";
  if (typeof value === "string") return rubyDump(value);
  return rubyToS(value);
}

const DUMP_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\t": "\\t",
  "\r": "\\r",
  "\f": "\\f",
  "\v": "\\v",
  "\b": "\\b",
  "\x07": "\\a",
  "\x1b": "\\e",
};
