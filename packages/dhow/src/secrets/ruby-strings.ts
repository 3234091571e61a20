/**
 * @module
 * Small Ruby string behaviours that Kamal's secrets code relies on (split, chomp, strip, blank?, inspect).
 * Reproducing them keeps keys, messages and values identical to Kamal's.
 */

/** Ruby `String#split(separator)`: like JS split, but trailing empty fields are dropped. */
export function rubySplit(value: string, separator: string): string[] {
  const parts = value.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

/** Ruby `String#chomp`: removes one trailing `\r\n`, `\n` or `\r`. */
export function chomp(value: string): string {
  return value.replace(/(?:\r\n|\n|\r)$/, "");
}

/** Ruby `String#strip`: ASCII whitespace and NUL at both ends. */
export function rubyStrip(value: string): string {
  return value.replace(/^[\t\n\v\f\r \0]+|[\t\n\v\f\r \0]+$/g, "");
}

/** ActiveSupport `blank?` for a string: empty or whitespace only (or null). */
export function isBlank(value: string | null | undefined): boolean {
  return value === null || value === undefined || /^[\s]*$/u.test(value);
}

/** Ruby `String#inspect` for the characters secrets names use (quotes, backslashes, control characters). */
export function rubyInspect(value: string): string {
  const escapes: Record<string, string> = {
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
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (escapes[c] !== undefined) out += escapes[c];
    else if (c === "#" && (value[i + 1] === "{" || value[i + 1] === "$" || value[i + 1] === "@")) out += "\\#";
    else if (c.charCodeAt(0) < 0x20 || c === "\x7f")
      out += `\\x${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`;
    else out += c;
  }
  return out + '"';
}

/** Ruby `Array#inspect` of strings: `["a", "b"]`. */
export function rubyInspectArray(values: readonly string[]): string {
  return `[${values.map(rubyInspect).join(", ")}]`;
}
