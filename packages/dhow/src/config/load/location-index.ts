/**
 * @module
 * Remembers where in which file each key path of a loaded config was written, so errors can say
 * ` (config/deploy.yml:12:5)`. Paths are arrays of keys and sequence indexes, as in the raw config.
 */
import type { SourceLocation } from "../../errors.js";

/** A key path into a raw config: hash keys and array indexes. */
export type KeyPath = readonly (string | number)[];

/** Key path → location, with "nearest recorded ancestor" lookup. */
export interface LocationIndex {
  set(path: KeyPath, location: SourceLocation): void;
  /** The location recorded for `path`, or for its nearest ancestor that has one. */
  locate(path: KeyPath): SourceLocation | undefined;
  /** Copies every entry of `other` over this one (used for destination files, which win). */
  overlay(other: LocationIndex): void;
  entries(): IterableIterator<[string, SourceLocation]>;
}

/** Creates an empty index. */
export function createLocationIndex(): LocationIndex {
  const map = new Map<string, SourceLocation>();
  return {
    set(path, location) {
      map.set(pathKey(path), location);
    },
    locate(path) {
      for (let length = path.length; length >= 0; length--) {
        const found = map.get(pathKey(path.slice(0, length)));
        if (found) return found;
      }
      return undefined;
    },
    overlay(other) {
      for (const [key, location] of other.entries()) map.set(key, location);
    },
    entries() {
      return map.entries();
    },
  };
}

/** Ruby-style `a/b/0` rendering of a key path (Kamal's error context). */
export function formatKeyPath(path: KeyPath): string {
  return path.map(String).join("/");
}

function pathKey(path: KeyPath): string {
  return path.map((part) => String(part)).join("\u0000");
}
