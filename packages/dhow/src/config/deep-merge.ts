/**
 * @module
 * ActiveSupport's `Hash#deep_merge`, which Kamal uses to lay a destination file over the base file:
 * hashes merge key by key, recursively; any other value (arrays, scalars, nil) replaces the base value.
 * Keys keep their base order; new keys are appended.
 */
import { isHash, type RubyHash, setOwn } from "./ruby-values.js";

/** Returns a new hash: `base` deep-merged with `over` (values from `over` win). */
export function deepMerge(base: RubyHash, over: RubyHash): RubyHash {
  const result: RubyHash = {};
  for (const [key, value] of Object.entries(base)) setOwn(result, key, value);
  for (const [key, value] of Object.entries(over)) {
    const current = Object.hasOwn(result, key) ? result[key] : undefined;
    setOwn(result, key, isHash(current) && isHash(value) ? deepMerge(current, value) : value);
  }
  return result;
}
