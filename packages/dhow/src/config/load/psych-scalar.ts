/**
 * @module
 * Resolves YAML scalars the way Ruby's Psych does (`Psych::ScalarScanner#tokenize` and the tag switch of
 * `Psych::Visitors::ToRuby#deserialize`), because Kamal loads deploy.yml with `YAML.unsafe_load`.
 * Psych is YAML 1.1 with its own quirks that no JS YAML schema reproduces exactly: `yes`/`on`/`off` are
 * booleans (but `y`/`n` are strings), `0755` is octal, `1,000` is 1000, `1:30` is 5400 (its sexagesimal
 * rule), `:name` is a Symbol and `2024-01-01` a Date. Hand-written for that reason.
 */
import { rubyToI } from "../../ruby.js";

/** Thrown for a scalar Psych itself would refuse (e.g. `!!float abc`). */
export class ScalarError extends Error {}

const INTEGER_LEGACY =
  /^(?:[-+]?0b[0-1_,]+|[-+]?0[0-7_,]+|[-+]?(?:0|[1-9](?:[0-9]|,[0-9]|_[0-9])*)|[-+]?0x[0-9a-fA-F_,]+)$/;
const FLOAT = /^(?:[-+]?([0-9][0-9_,]*)?\.[0-9]*([eE][-+][0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$/;
const TIME = /^-?\d{4}-\d{1,2}-\d{1,2}(?:[Tt]|\s+)\d{1,2}:\d\d:\d\d(?:\.\d*)?(?:\s*(?:Z|[-+]\d{1,2}:?(?:\d\d)?))?$/;
const DATE = /^\d{4}-(?:1[012]|0\d|\d)-(?:[12]\d|3[01]|0\d|\d)$/;
const STRINGISH = /^[^\d.:-]?[\p{Alphabetic}_\s!@#$%^&*(){}<>|/\\~;=]+/mu;

/** The value Psych gives an untagged plain scalar. */
export function resolvePlainScalar(text: string): unknown {
  if (text === "") return null;
  if (STRINGISH.test(text) || text.includes("\n")) {
    if (text.length > 5) return text;
    if (/^[^ytonf~]/i.test(text)) return text;
    if (text === "~" || /^null$/i.test(text)) return null;
    if (/^(yes|true|on)$/i.test(text)) return true;
    if (/^(no|false|off)$/i.test(text)) return false;
    return text;
  }
  if (TIME.test(text)) return parseTime(text) ?? text;
  if (DATE.test(text)) return parseDate(text) ?? text;
  if (/^\+?\.inf$/i.test(text)) return Number.POSITIVE_INFINITY;
  if (/^-\.inf$/i.test(text)) return Number.NEGATIVE_INFINITY;
  if (/^\.nan$/i.test(text)) return Number.NaN;
  if (/^:./.test(text)) {
    const quoted = /^:(["'])(.*)\1/s.exec(text);
    return quoted ? (quoted[2] ?? "").replace(/^:/, "") : text.slice(1);
  }
  if (/^[-+]?[0-9][0-9_]*(:[0-5]?[0-9]){1,2}$/.test(text)) return sexagesimal(text, (part) => Number(rubyToI(part)));
  if (/^[-+]?[0-9][0-9_]*(:[0-5]?[0-9]){1,2}\.[0-9_]*$/.test(text)) return sexagesimal(text, rubyToF);
  if (FLOAT.test(text)) {
    if (/^[-+]?\.$/.test(text)) return text;
    return rubyFloat(text.replace(/[,_]/g, "").replace(/\.([Ee]|$)/gm, "$1"));
  }
  if (INTEGER_LEGACY.test(text)) return rubyInteger(text.replace(/[,_]/g, ""));
  return text;
}

/**
 * The value Psych gives a scalar with an explicit tag (`!!str 3`, `!!int "3"`, `!ruby/symbol x`, `!foo 3`).
 * Tags Psych turns into Ruby objects dhow cannot represent raise ScalarError.
 */
export function resolveTaggedScalar(tag: string, text: string): unknown {
  const short = tag.replace(/^tag:yaml\.org,2002:/, "!!");
  if (short === "!!binary" || short === "!binary") return Buffer.from(text, "base64").toString("latin1");
  if (short === "!!str" || /^!(?:str|ruby\/string)(?::.*)?$/.test(short)) return text;
  if (short === "!!float" || short === "!float") {
    const value = resolvePlainScalar(text);
    if (typeof value === "number") return value;
    if (typeof value === "bigint") return Number(value);
    if (typeof value === "string") {
      const parsed = rubyFloatStrict(value);
      if (parsed !== undefined) return parsed;
    }
    throw new ScalarError(`invalid value for Float(): ${JSON.stringify(text)}`);
  }
  if (/^!ruby\/sym(bol)?:?/.test(short)) return text;
  if (
    /^!ruby\/(regexp|range|class|module|encoding|object:(BigDecimal|DateTime|Complex|Rational))$/.test(short) ||
    short.startsWith("!ruby/exception")
  ) {
    throw new ScalarError(`unsupported YAML tag ${tag} (a Ruby object dhow cannot load)`);
  }
  return resolvePlainScalar(text);
}

/** Ruby `String#to_f`. */
function rubyToF(text: string): number {
  const match = /^\s*([-+]?\d+(?:_\d+)*(?:\.\d+(?:_\d+)*)?(?:[eE][-+]?\d+)?)/.exec(text);
  return match?.[1] ? Number.parseFloat(match[1].replace(/_/g, "")) : 0;
}

/** Psych's sexagesimal rule: each `:`-part times 60 ** |index - 2| (so `1:30` is 5400, as Psych gives). */
function sexagesimal(text: string, convert: (part: string) => number): number {
  let total = 0;
  text.split(":").forEach((part, index) => {
    total += convert(part) * 60 ** Math.abs(index - 2);
  });
  return total;
}

/** Ruby `Float(text)` on the cleaned Psych float text. */
function rubyFloat(text: string): number {
  const value = rubyFloatStrict(text);
  if (value === undefined) throw new ScalarError(`invalid value for Float(): ${JSON.stringify(text)}`);
  return value;
}

function rubyFloatStrict(text: string): number | undefined {
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(text)) return undefined;
  return Number.parseFloat(text);
}

/** Ruby `Integer(text)`: `0b`, `0x` and leading-zero octal prefixes; bigint beyond 2^53. */
function rubyInteger(text: string): number | bigint {
  const match = /^([-+]?)(0b|0x|0(?=[0-7]))?(.*)$/i.exec(text);
  const sign = match?.[1] === "-" ? -1n : 1n;
  const prefix = (match?.[2] ?? "").toLowerCase();
  const digits = match?.[3] ?? "";
  const base = prefix === "0b" ? 2 : prefix === "0x" ? 16 : prefix === "0" ? 8 : 10;
  if (digits === "" || !/^[0-9a-f]+$/i.test(digits)) {
    if (digits === "" && prefix === "") throw new ScalarError(`invalid value for Integer(): ${JSON.stringify(text)}`);
    if (digits === "" && prefix === "0") return 0;
    throw new ScalarError(`invalid value for Integer(): ${JSON.stringify(text)}`);
  }
  let value = 0n;
  for (const char of digits) value = value * BigInt(base) + BigInt(Number.parseInt(char, 16));
  value *= sign;
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

function parseDate(text: string): Date | undefined {
  const [year, month, day] = text.split("-").map((part) => Number.parseInt(part, 10));
  if (year === undefined || month === undefined || day === undefined) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return date;
}

function parseTime(text: string): Date | undefined {
  const match =
    /^(-?\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt]|\s+)(\d+):(\d+):(\d+)(?:\.(\d*))?\s*(Z|[-+]\d{1,2}(?::?\d\d)?)?$/.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = match;
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
  let time = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (zone && zone !== "Z") {
    const tz = /^([-+]\d{1,2}):?(\d{2})?$/.exec(zone);
    const hours = Number(tz?.[1] ?? 0);
    const minutes = Number(tz?.[2] ?? 0) * Math.sign(hours || 1);
    time -= (hours * 60 + minutes) * 60_000;
  }
  const date = new Date(time);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
