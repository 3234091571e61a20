/**
 * @module
 * RubyGems' `Gem::Version` ordering, which Kamal uses for `minimum_version` (`Gem::Version.new(minimum) >
 * Gem::Version.new(Kamal::VERSION)`): numeric segments compare as numbers, a letter segment marks a
 * prerelease that sorts before the release (`2.12.0.rc1` < `2.12.0`), trailing zeros are ignored.
 */

const VERSION_PATTERN = /^\s*([0-9]+(?:\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?)?\s*$/;

/** True if RubyGems accepts `text` as a version. */
export function isGemVersion(text: string): boolean {
  return VERSION_PATTERN.test(text);
}

/** -1, 0 or 1 as `Gem::Version.new(a) <=> Gem::Version.new(b)`; throws for a malformed version. */
export function compareGemVersions(a: string, b: string): number {
  const left = canonicalSegments(a);
  const right = canonicalSegments(b);
  const limit = Math.max(left.length, right.length);
  for (let index = 0; index < limit; index++) {
    const lhs = left[index] ?? 0;
    const rhs = right[index] ?? 0;
    if (lhs === rhs) continue;
    if (typeof lhs === "string" && typeof rhs === "number") return -1;
    if (typeof lhs === "number" && typeof rhs === "string") return 1;
    return lhs < rhs ? -1 : 1;
  }
  return 0;
}

function canonicalSegments(text: string): (number | string)[] {
  if (!isGemVersion(text)) throw new Error(`Malformed version number string ${text}`);
  const version = text.trim() === "" ? "0" : text.trim().replace(/-/g, ".pre.");
  const segments = (version.match(/[0-9]+|[a-z]+/gi) ?? []).map((part) =>
    /^\d+$/.test(part) ? Number.parseInt(part, 10) : part,
  );
  const stringStart = segments.findIndex((part) => typeof part === "string");
  const numeric = stringStart === -1 ? segments : segments.slice(0, stringStart);
  const rest = stringStart === -1 ? [] : segments.slice(stringStart);
  return [...dropTrailingZeros(numeric), ...dropTrailingZeros(rest)];
}

function dropTrailingZeros(parts: (number | string)[]): (number | string)[] {
  let end = parts.length;
  while (end > 0 && parts[end - 1] === 0) end--;
  return parts.slice(0, end);
}
