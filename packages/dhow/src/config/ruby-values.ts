/**
 * @module
 * How Ruby values loaded from a config file look in JavaScript, and the few Ruby/ActiveSupport predicates
 * Kamal's validator relies on (`is_a?(Hash)`, `present?`, `blank?`).
 *
 * Mapping used by the loader (Psych → JS): Hash → plain object (string keys), Array → array, String and
 * Symbol → string (a Symbol becomes its name, i.e. its `to_s`), Integer → number (bigint beyond 2^53),
 * Float → number, true/false → boolean, nil → null, Date/Time → Date.
 */

/** A Ruby Hash as loaded from YAML: a plain object with string keys. */
export type RubyHash = Record<string, unknown>;

/** True for a Ruby Hash (a plain object, not an array, Date or null). */
export function isHash(value: unknown): value is RubyHash {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** True for a Ruby Integer. */
export function isInteger(value: unknown): boolean {
  return typeof value === "bigint" || (typeof value === "number" && Number.isSafeInteger(value));
}

/** ActiveSupport `blank?`: nil, false, whitespace-only strings, empty arrays and hashes. */
export function isBlank(value: unknown): boolean {
  if (value === null || value === undefined || value === false) return true;
  if (typeof value === "string") return /^[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/u.test(value);
  if (Array.isArray(value)) return value.length === 0;
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

/** Ruby's `to_s` for the scalar values a config holds (floats print as Ruby does: `1.0`, `1.0e+20`). */
export function rubyToS(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "bigint") return value.toString();
  // The loader gives Integers beyond 2^53 as bigint, so a number that large was a Float.
  if (typeof value === "number") return Number.isSafeInteger(value) ? String(value) : rubyFloatToS(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (value instanceof Date) return rubyTimeToS(value);
  return JSON.stringify(value);
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

/** Date#to_s (`2024-01-01`) for midnight UTC values, else Time#to_s (`2024-01-01 10:00:00 +0000`). */
function rubyTimeToS(value: Date): string {
  const iso = value.toISOString();
  if (iso.endsWith("T00:00:00.000Z")) return iso.slice(0, 10);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000`;
}

function rubyFloatToS(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
  const abs = Math.abs(value);
  if (abs >= 1e16 || (abs !== 0 && abs < 1e-4)) {
    const [mantissa = "", exponent = "0"] = value.toExponential().split("e");
    const withDot = mantissa.includes(".") ? mantissa : `${mantissa}.0`;
    const sign = exponent.startsWith("-") ? "-" : "+";
    return `${withDot}e${sign}${exponent.replace(/^[+-]/, "").padStart(2, "0")}`;
  }
  return String(value);
}
