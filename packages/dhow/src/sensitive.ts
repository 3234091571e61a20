/**
 * @module
 * A value that must never be printed. Command tokens, env values and secrets carry it; only the
 * renderer that builds what actually runs calls `reveal()`. Everything that logs or reports uses
 * `String(value)` / `JSON.stringify(value)`, which give the redaction.
 */

/** The text printed in place of a secret value. */
export const REDACTED = "[REDACTED]";

/** A secret value with a safe string form. */
export class Sensitive {
  readonly #value: string;
  readonly redaction: string;
  constructor(value: string, redaction: string = REDACTED) {
    this.#value = value;
    this.redaction = redaction;
  }
  /** The real value: only for what is executed or written to a host, never for output. */
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return this.redaction;
  }
  toJSON(): string {
    return this.redaction;
  }
  /** node:util inspect (console.log, vitest diffs) shows the redaction too. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `Sensitive(${this.redaction})`;
  }
}

/** Wraps a value as sensitive. */
export function sensitive(value: string, redaction: string = REDACTED): Sensitive {
  return new Sensitive(value, redaction);
}

/** The real value of a string or Sensitive. */
export function reveal(value: string | Sensitive): string {
  return value instanceof Sensitive ? value.reveal() : value;
}

/** Replaces every occurrence of the given secret values in a text (for stderr of failed commands). */
export function redactText(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  return out;
}
