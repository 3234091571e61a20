/**
 * @module
 * The one place for the Ruby and ActiveSupport semantics dhow reproduces, so config values, derived paths,
 * merged sections, secret names and command strings come out exactly as Kamal's do: `to_s`, `inspect`,
 * `String#dump`, `present?`/`blank?`, truthiness, `String#split`, `Hash#deep_merge`, `File.join`,
 * `File.dirname`/`basename`, `Array#uniq`/`|`, and Hash equality. Hand-written because these are Ruby's
 * exact behaviours (no JavaScript library reproduces them). A leaf module: every layer may use it.
 *
 * How Ruby values loaded from a config file look here (Psych → JS): Hash → plain object (string keys),
 * Array → array, String and Symbol → string (a Symbol becomes its name), Integer → number (bigint beyond
 * 2^53), Float → number, true/false → boolean, nil → null, Date/Time → Date.
 */
import { Sensitive } from "./sensitive.js";

/** A Ruby Hash as loaded from YAML: a plain object with string keys. */
export type RubyHash = Record<string, unknown>;

/** True for a Ruby Hash: a plain object (not an array, Date, class instance or null). */
export function isHash(value: unknown): value is RubyHash {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** True for a Ruby Integer. */
export function isInteger(value: unknown): boolean {
  return typeof value === "bigint" || (typeof value === "number" && Number.isSafeInteger(value));
}

/** Ruby's `[[:space:]]` on a UTF-8 string (ActiveSupport's `String#blank?` pattern). */
const RUBY_BLANK = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/u;

/**
 * ActiveSupport `blank?`: nil, false, empty or whitespace-only strings, empty arrays and hashes. Anything
 * else is present, a `Sensitive` included (Kamal's `Utils::Sensitive` has no `empty?`).
 */
export function isBlank(value: unknown): boolean {
  if (value === null || value === undefined || value === false) return true;
  if (typeof value === "string") return RUBY_BLANK.test(value);
  if (Array.isArray(value)) return value.length === 0;
  if (value instanceof Map) return value.size === 0;
  if (isHash(value)) return Object.keys(value).length === 0;
  return false;
}

/** ActiveSupport `present?`. */
export function isPresent(value: unknown): boolean {
  return !isBlank(value);
}

/** Ruby truthiness: everything except nil and false. */
export function isTruthy(value: unknown): boolean {
  return value !== null && value !== undefined && value !== false;
}

/**
 * Ruby's `to_s`: nil → "", floats as Ruby prints them (`1.0e+20`), Date/Time as Ruby prints them, a
 * `Sensitive` as its value (Kamal's `Sensitive` delegates `to_s`), arrays and hashes as `inspect`.
 */
export function rubyToS(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Sensitive) return value.reveal();
  if (typeof value === "string") return value;
  if (typeof value === "bigint") return value.toString();
  // The loader gives Integers beyond 2^53 as bigint, so a number that large was a Float.
  if (typeof value === "number") return Number.isSafeInteger(value) ? String(value) : rubyFloatToS(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (value instanceof Date) return rubyTimeToS(value);
  return rubyInspect(value);
}

/** Ruby's `inspect`: strings quoted (`String#inspect`), nil as `nil`, arrays and hashes (Ruby 3.4 form). */
export function rubyInspect(value: unknown): string {
  if (value === null || value === undefined) return "nil";
  if (typeof value === "string") return quoteRubyString(value, false);
  if (Array.isArray(value)) return `[${value.map(rubyInspect).join(", ")}]`;
  if (isHash(value)) {
    return `{${Object.entries(value)
      .map(([key, item]) => `${rubyInspect(key)} => ${rubyInspect(item)}`)
      .join(", ")}}`;
  }
  return rubyToS(value);
}

/**
 * Ruby's `String#dump`: like `inspect`, but every non-ASCII character is written `\uXXXX` as well, so the
 * result is pure ASCII. Kamal's `escape_shell_value` dumps each ASCII run of a value.
 */
export function rubyDump(text: string): string {
  return quoteRubyString(text, true);
}

/** Ruby `Array#inspect` of strings: `["a", "b"]`. */
export function rubyInspectArray(values: readonly string[]): string {
  return rubyInspect(values);
}

/** Ruby `String#chomp`: removes one trailing `\r\n`, `\n` or `\r`. */
export function chomp(value: string): string {
  return value.replace(/(?:\r\n|\n|\r)$/, "");
}

/** Ruby `String#strip`: ASCII whitespace and NUL at both ends. */
export function rubyStrip(value: string): string {
  return value.replace(/^[\t\n\v\f\r \0]+|[\t\n\v\f\r \0]+$/g, "");
}

/**
 * Ruby `String#split(separator[, limit])` with a string separator: without a limit, trailing empty fields
 * are dropped; with a positive limit, at most `limit` fields, the last one holding the rest. "" gives [].
 */
export function rubySplit(text: string, separator: string, limit?: number): string[] {
  if (text === "") return [];
  const parts = text.split(separator);
  if (limit !== undefined && limit > 0) {
    return parts.length <= limit ? parts : [...parts.slice(0, limit - 1), parts.slice(limit - 1).join(separator)];
  }
  while (parts.length > 0 && parts.at(-1) === "") parts.pop();
  return parts;
}

/** Ruby `String#to_i`: the leading integer (single underscores between digits allowed), 0 without one; bigint beyond 2^53. */
export function rubyToI(text: string): number | bigint {
  const match = /^\s*([-+]?\d+(?:_\d+)*)/.exec(text);
  if (!match?.[1]) return 0;
  const big = BigInt(match[1].replace(/_/g, ""));
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

/** What `shellwordsSplit` rejects, and where (the line itself is left out: it may hold a secret). */
export class ShellwordsError extends Error {
  constructor(
    readonly problem: "Unmatched quote" | "Nul character",
    readonly position: number,
  ) {
    super(`${problem} at ${position}`);
    this.name = "ShellwordsError";
  }
}

/**
 * Ruby's `Shellwords.split`: words split on ASCII whitespace, with Ruby's quoting rules (not a shell's:
 * variables and operators are not expanded, backslash-newline is kept). Throws ShellwordsError, which
 * gives the position but never the line (it may hold a secret).
 */
export function shellwordsSplit(line: string): string[] {
  const words: string[] = [];
  let field = "";
  let i = 0;
  while (true) {
    while (i < line.length && isSpace(line[i]!)) i++;
    if (i >= line.length) break;
    const c = line[i]!;
    if (c === "'") {
      const close = line.indexOf("'", i + 1);
      if (close < 0 || line.slice(i + 1, close).includes("\0")) throw unmatched(i);
      field += line.slice(i + 1, close);
      i = close + 1;
    } else if (c === '"') {
      let j = i + 1;
      while (j < line.length && line[j] !== '"') {
        if (line[j] === "\0") throw unmatched(i);
        if (line[j] === "\\") {
          if (j + 1 >= line.length || line[j + 1] === "\0") throw unmatched(i);
          j += 2;
        } else j++;
      }
      if (j >= line.length) throw unmatched(i);
      field += line.slice(i + 1, j).replace(/\\([$`"\\\n])/g, "$1");
      i = j + 1;
    } else if (c === "\\") {
      const next = line[i + 1];
      const escaped = next === undefined || next === "\0" ? "\\" : `\\${next}`;
      // Ruby: esc.gsub(/\\(.)/, '\1'); `.` does not match a newline, so backslash-newline stays as it is.
      field += escaped.replace(/\\([^\n])/, "$1");
      i += escaped.length;
    } else if (c === "\0") {
      throw new ShellwordsError("Nul character", i);
    } else {
      let j = i;
      while (j < line.length && !isSpace(line[j]!) && !"\\'\"\0".includes(line[j]!)) j++;
      field += line.slice(i, j);
      i = j;
    }
    if (i >= line.length || isSpace(line[i]!)) {
      words.push(field);
      field = "";
      if (i < line.length) i++;
    }
  }
  return words;
}

/** Sets `key` on `object` as an own data property, even for `__proto__`. */
export function setOwn(object: RubyHash, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    object[key] = value;
  }
}

/** Own-property lookup that never reaches Object.prototype (`config["constructor"]` is nil in Ruby). */
export function getOwn(object: RubyHash, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/** Own-property test (Ruby `Hash#key?`). */
export function hasOwn(object: RubyHash, key: string): boolean {
  return Object.hasOwn(object, key);
}

/**
 * ActiveSupport's `Hash#deep_merge`: hashes merge key by key, recursively; any other value (arrays,
 * scalars, nil) in `over` replaces the base value. Keys keep their base order; new keys are appended.
 * Returns a new hash; a `__proto__` key stays an ordinary key.
 */
export function deepMerge(base: Readonly<RubyHash>, over: Readonly<RubyHash>): RubyHash {
  const result: RubyHash = {};
  for (const [key, value] of Object.entries(base)) setOwn(result, key, value);
  for (const [key, value] of Object.entries(over)) {
    const current = getOwn(result, key);
    setOwn(result, key, isHash(current) && isHash(value) ? deepMerge(current, value) : value);
  }
  return result;
}

/** Ruby `==` for loaded values: nil is nil, Integers compare by value, Hash equality ignores key order. */
export function rubyEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  if (typeof a === "bigint" || typeof b === "bigint") {
    const numeric = (value: unknown) => typeof value === "number" || typeof value === "bigint";
    return numeric(a) && numeric(b) && String(a) === String(b);
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => rubyEqual(item, b[i]));
  if (isHash(a) && isHash(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => hasOwn(b, key) && rubyEqual(a[key], b[key]));
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}

/** Ruby's `File.join`: parts joined with exactly one `/` between them. */
export function fileJoin(...parts: readonly string[]): string {
  let out = parts[0] ?? "";
  for (const part of parts.slice(1)) {
    const left = out.endsWith("/") ? out.slice(0, -1) : out;
    const right = part.startsWith("/") ? part.slice(1) : part;
    out = `${left}/${right}`;
  }
  return out;
}

/** Ruby's `File.dirname` (and `Pathname#dirname`): `a//b/` → `a`, `/a` → `/`, `a` → `.`. */
export function dirname(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  if (trimmed === "") return path === "" ? "." : "/";
  const index = trimmed.lastIndexOf("/");
  if (index < 0) return ".";
  return trimmed.slice(0, index).replace(/\/+$/, "") || "/";
}

/** Ruby's `File.basename` (and `Pathname#basename`): trailing slashes ignored, `/` for the root. */
export function basename(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  if (trimmed === "") return path === "" ? "" : "/";
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

/** `Pathname#absolute?` */
export function isAbsolutePath(path: string): boolean {
  return path.startsWith("/");
}

/** Ruby's `Array#|`: union keeping first-seen order. */
export function union<T>(left: readonly T[], right: readonly T[]): T[] {
  return [...new Set([...left, ...right])];
}

/** Ruby's `Array#uniq`. */
export function uniq<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

/**
 * Deep-freezes plain objects and arrays built by the resolvers (functions stay callable, getters are left
 * alone). Objects in `keep` (long-lived services such as the secrets store) and class instances are not frozen.
 */
export function deepFreeze<T>(value: T, keep: ReadonlySet<unknown> = new Set()): T {
  if (typeof value !== "object" || value === null || Object.isFrozen(value) || keep.has(value)) return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) return value;
  Object.freeze(value);
  for (const key of Object.keys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (descriptor && "value" in descriptor) deepFreeze(descriptor.value, keep);
  }
  return value;
}

// Private

const STRING_ESCAPES: Readonly<Record<string, string>> = {
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

/**
 * `"…"` with Ruby's escapes and `\#` before `{`, `$` or `@`. Other control characters: `\uXXXX` in
 * `inspect` (of a UTF-8 string), `\xNN` in `dump`, which also escapes everything beyond ASCII.
 */
function quoteRubyString(text: string, dump: boolean): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    const code = ch.charCodeAt(0);
    const named = STRING_ESCAPES[ch];
    if (named !== undefined) out += named;
    else if (ch === "#" && (text[i + 1] === "{" || text[i + 1] === "$" || text[i + 1] === "@")) out += "\\#";
    else if (code < 0x20 || code === 0x7f) {
      out += dump ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`;
    } else if (dump && code > 0x7f) out += `\\u${hex(code, 4)}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Ruby's `\s`: ASCII whitespace only. */
function isSpace(c: string): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\v" || c === "\f" || c === "\r";
}

function unmatched(position: number): ShellwordsError {
  return new ShellwordsError("Unmatched quote", position);
}

function hex(code: number, width: number): string {
  return code.toString(16).toUpperCase().padStart(width, "0");
}

/** Date#to_s (`2024-01-01`) for midnight UTC values, else Time#to_s (`2024-01-01 10:00:00 +0000`). */
function rubyTimeToS(value: Date): string {
  const iso = value.toISOString();
  if (iso.endsWith("T00:00:00.000Z")) return iso.slice(0, 10);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000`;
}

/** Float#to_s: the shortest round-trip digits, in exponent form below 1e-4 and from 1e15 on (`1.0e+15`). */
function rubyFloatToS(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
  const abs = Math.abs(value);
  if (abs >= 1e15 || (abs !== 0 && abs < 1e-4)) {
    const [mantissa = "", exponent = "0"] = value.toExponential().split("e");
    const withDot = mantissa.includes(".") ? mantissa : `${mantissa}.0`;
    const sign = exponent.startsWith("-") ? "-" : "+";
    return `${withDot}e${sign}${exponent.replace(/^[+-]/, "").padStart(2, "0")}`;
  }
  return String(value);
}
