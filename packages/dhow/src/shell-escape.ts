/**
 * @module
 * Kamal's shell quoting and argument helpers (`Kamal::Utils`: `escape_shell_value`, `argumentize`,
 * `optionize`), as pure string functions. A leaf module: command builders use it through
 * `commands/command.ts`, and the config model uses it for the few argument lists Kamal's config exposes
 * (`volume_args`, `logging_args` in `kamal config`).
 */
import { isPresent, rubyDump, rubyToS } from "./ruby.js";
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
