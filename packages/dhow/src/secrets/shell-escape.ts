/**
 * @module
 * Ruby's `String#shellescape` (Shellwords.escape), byte for byte: `kamal secrets fetch` prints its JSON through
 * it, and `.kamal/secrets` files feed that text back through `$(kamal secrets extract NAME $SECRETS)`.
 */

/** Escapes a string for a POSIX shell exactly as Ruby's `Shellwords.escape` does. */
export function shellEscape(value: string): string {
  if (value === "") return "''";
  return value.replace(/[^A-Za-z0-9_\-.,:+/@\n]/gu, "\\$&").replace(/\n/g, "'\n'");
}
