/**
 * @module
 * `value.to_yaml` as Ruby's Psych 5.2+ writes it: Psych's `YAMLTree` rules (how a Symbol, nil, Integer,
 * Float, Date, String or object becomes a scalar or collection, and which style each String asks for),
 * handed to the libyaml emitter in yaml-emitter.ts. `kamal config` prints `config.to_h.to_yaml`, a Hash
 * with Symbol keys (`:roles:`) and Symbol values (`:log_level: :fatal`) next to the String-keyed hashes
 * of deploy.yml; the `yaml` npm package has no Symbol type and cannot write `:key:` the way Psych does
 * (nor Psych's quoting choices), hence this module.
 *
 * Reading a plain scalar the way Psych's `ScalarScanner#tokenize` does (to decide whether a String must
 * be quoted) belongs to the config layer's YAML loader; the caller passes it in.
 */
import { rubyToS } from "../ruby.js";
import { type EmitterNode, emitYamlDocument, type ScalarNode } from "./yaml-emitter.js";

/** A Ruby Symbol (`:fatal`); as a Hash key it prints as `:name:`. */
export class RubySymbol {
  constructor(readonly name: string) {}
}

/** A plain Ruby object, dumped as `!ruby/object:ClassName` with its instance variables in order. */
export class RubyObject {
  constructor(
    readonly className: string,
    readonly ivars: readonly (readonly [string, RubyValue])[],
  ) {}
}

/** A Hash key: a String or a Symbol. */
export type RubyKey = string | RubySymbol;

/**
 * A Ruby value as the dumper sees it. A plain object is a Hash with String keys; a Map may hold Symbol
 * keys. Numbers that are safe integers are Integers (bigint beyond that), every other number is a Float;
 * a Date at midnight UTC is a Date, any other Date a UTC Time.
 */
export type RubyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Date
  | RubySymbol
  | RubyObject
  | readonly RubyValue[]
  | ReadonlyMap<RubyKey, RubyValue>
  | { readonly [key: string]: RubyValue };

/** What the dumper needs from the caller. */
export interface PsychDumpOptions {
  /**
   * The value Psych's `ScalarScanner#tokenize` gives a plain scalar, as the config loader resolves it
   * (a Symbol given as its name; may throw where Psych raises). A String that does not come back as a
   * String is quoted.
   */
  readonly tokenize: (text: string) => unknown;
}

/** `value.to_yaml`: the YAML document Psych writes, byte for byte. */
export function toPsychYaml(value: RubyValue, options: PsychDumpOptions): string {
  return emitYamlDocument(toNode(value, options));
}

function plainScalar(value: string, tag?: string): ScalarNode {
  return { kind: "scalar", value, tag, plainImplicit: true, quotedImplicit: false, style: "any" };
}

function toNode(value: RubyValue, options: PsychDumpOptions): EmitterNode {
  if (value === null) return plainScalar("", "tag:yaml.org,2002:null");
  if (typeof value === "boolean" || typeof value === "bigint") return plainScalar(String(value));
  if (typeof value === "number") return plainScalar(numberText(value));
  if (typeof value === "string") return stringNode(value, options);
  if (value instanceof Date) return plainScalar(timeText(value));
  if (value instanceof RubySymbol) {
    if (value.name === "") {
      return {
        kind: "scalar",
        value: "",
        tag: "!ruby/symbol",
        plainImplicit: false,
        quotedImplicit: false,
        style: "any",
      };
    }
    return plainScalar(`:${value.name}`);
  }
  if (value instanceof RubyObject) {
    return {
      kind: "mapping",
      tag: `!ruby/object:${value.className}`,
      pairs: value.ivars.map(([name, item]) => [plainScalar(name), toNode(item, options)] as const),
    };
  }
  if (Array.isArray(value)) return { kind: "sequence", items: value.map((item: RubyValue) => toNode(item, options)) };
  const entries: [RubyKey, RubyValue][] =
    value instanceof Map ? [...value.entries()] : Object.entries(value as { readonly [key: string]: RubyValue });
  return {
    kind: "mapping",
    pairs: entries.map(([key, item]) => [toNode(key, options), toNode(item, options)] as const),
  };
}

/** Psych's Integer and Float forms (`Float#to_s`, `.nan`, `.inf`). */
function numberText(value: number): string {
  if (Number.isSafeInteger(value)) return String(value);
  if (Number.isNaN(value)) return ".nan";
  if (!Number.isFinite(value)) return value > 0 ? ".inf" : "-.inf";
  return rubyToS(value);
}

/** Psych's Date (`2024-01-01`) and UTC Time (`2024-01-01 10:00:00.000000000 Z`) formats. */
function timeText(value: Date): string {
  const iso = value.toISOString();
  if (iso.endsWith("T00:00:00.000Z")) return iso.slice(0, 10);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${iso.slice(20, 23)}000000 Z`;
}

/** Psych's `visit_String`: the style a String asks for (libyaml may still pick a stronger quoting). */
function stringNode(value: string, options: PsychDumpOptions): ScalarNode {
  const node = (style: ScalarNode["style"]): ScalarNode => ({
    kind: "scalar",
    value,
    plainImplicit: true,
    quotedImplicit: true,
    style,
  });
  if (hasInnerNewline(value)) return node("literal");
  if (value === "<<") {
    return {
      kind: "scalar",
      value,
      tag: "tag:yaml.org,2002:str",
      plainImplicit: false,
      quotedImplicit: false,
      style: "single-quoted",
    };
  }
  if (value === "y" || value === "Y" || value === "n" || value === "N") return node("double-quoted");
  if (startsLineWithNonWordAndNoQuote(value)) return node("double-quoted");
  if (!readsAsString(value, options) || /^0[0-7]*[89]/.test(value)) return node("single-quoted");
  return node("plain");
}

/** Whether `tokenize` reads the text back as a String: `:name` is a Symbol (the loader gives its name). */
function readsAsString(value: string, options: PsychDumpOptions): boolean {
  if (/^:./.test(value) && !value.includes("\n")) return false;
  try {
    return typeof options.tokenize(value) === "string";
  } catch {
    return false;
  }
}

/** Ruby's `/\n(?!\Z)/`: a newline that is neither the last character nor followed only by a final one. */
function hasInnerNewline(value: string): boolean {
  for (let index = value.indexOf("\n"); index >= 0; index = value.indexOf("\n", index + 1)) {
    const rest = value.length - index - 1;
    if (!(rest === 0 || (rest === 1 && value.endsWith("\n")))) return true;
  }
  return false;
}

const WORD = /[\p{L}\p{M}\p{Nd}\p{Pc}]/u;

/**
 * Ruby's `/^[^[:word:]][^"]*$/` (`^`/`$` are line anchors in Ruby, and `[^"]` also matches a newline):
 * some line starts with a non-word character and a line end follows before any `"`.
 */
function startsLineWithNonWordAndNoQuote(value: string): boolean {
  const chars = Array.from(value);
  for (let start = 0; start < chars.length; start++) {
    if (start > 0 && chars[start - 1] !== "\n") continue;
    if (WORD.test(chars[start] as string)) continue;
    for (let end = start + 1; end <= chars.length; end++) {
      if (end === chars.length || chars[end] === "\n") return true;
      if (chars[end] === '"') break;
    }
  }
  return false;
}
