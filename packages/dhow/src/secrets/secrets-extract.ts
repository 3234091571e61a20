/**
 * @module
 * `dhow secrets extract NAME JSON [--inline]` (Kamal's `secrets extract`): picks one value out of the output of
 * `secrets fetch`, by exact key or by a key ending in `/NAME`.
 */
import { SecretsError } from "../errors.js";
import { rubyPuts } from "./secrets-print.js";

/** The arguments of `secrets extract`. */
export interface SecretsExtractOptions {
  readonly name: string;
  /** The JSON object printed by `secrets fetch` (after the shell removed its escapes). */
  readonly json: string;
  readonly inline?: boolean;
}

/**
 * Returns the value (with a newline unless inline), or throws `Could not find secret NAME`.
 * @example secretsExtract({ name: "KEY", json: '{"vault/item/KEY":"v"}', inline: true }) // → "v"
 */
export function secretsExtract({ name, json, inline = false }: SecretsExtractOptions): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new SecretsError(`Could not extract secret ${name}: the secrets given are not valid JSON`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new SecretsError(`Could not extract secret ${name}: the secrets given are not a JSON object`);
  }
  const secrets = parsed as Record<string, unknown>;
  let value = Object.hasOwn(secrets, name) ? secrets[name] : undefined;
  if (value === undefined || value === null || value === false) {
    value = Object.entries(secrets).find(([key]) => key.endsWith(`/${name}`))?.[1];
  }
  if (value === undefined || value === null) throw new SecretsError(`Could not find secret ${name}`);
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return inline ? text : rubyPuts(text);
}
