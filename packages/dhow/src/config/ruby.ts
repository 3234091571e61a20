/**
 * @module
 * The few Ruby/ActiveSupport semantics the config model relies on (`File.join`, `Hash#deep_merge`,
 * `Pathname#dirname`), so derived paths and merged sections come out exactly as Kamal's do.
 */

/** A plain (JSON-like) object: the shape YAML mappings take. */
export type PlainObject = Readonly<Record<string, unknown>>;

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

/** Ruby's `Pathname#dirname` for the relative and absolute paths configs use. */
export function dirname(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, "") : path;
  const index = trimmed.lastIndexOf("/");
  if (index < 0) return ".";
  if (index === 0) return "/";
  return trimmed.slice(0, index);
}

/** Ruby's `Pathname#basename`. */
export function basename(path: string): string {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, "") : path;
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

/** `Pathname#absolute?` */
export function isAbsolutePath(path: string): boolean {
  return path.startsWith("/");
}

/** True for a YAML mapping (not an array, not null). */
export function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** ActiveSupport's `deep_merge`: nested mappings are merged, anything else in `other` replaces. */
export function deepMerge(base: PlainObject, other: PlainObject): PlainObject {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(other)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return out;
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
