/**
 * @module
 * `dhow secrets print` (Kamal's `secrets print`): every loaded secret as `KEY=VALUE`, one per line, for debugging.
 */
import type { Secrets } from "./secrets.js";

/** Returns the `KEY=VALUE` lines for all secrets (this evaluates the secrets files). */
export function secretsPrint({ secrets }: { secrets: Secrets }): string {
  const values = secrets.toRecord();
  return secrets
    .keys()
    .map((key) => rubyPuts(`${key}=${values[key]}`))
    .join("");
}

/** Ruby `puts`: adds a newline unless the text already ends with one. */
export function rubyPuts(text: string): string {
  return text.endsWith("\n") ? text : `${text}\n`;
}
