/**
 * @module
 * The env file Kamal uploads for secret variables (`Kamal::EnvFile`): `KEY=value` lines, each ASCII run
 * of the value Ruby-`dump`ed without its outer quotes, with `\"` and `\#` unescaped; non-ASCII kept raw.
 */
import { rubyDump, rubyToS } from "../ruby.js";

/** The env file text for these variables (a lone newline when empty, as Kamal writes). */
export function renderEnvFile(env: Readonly<Record<string, unknown>>): string {
  const text = Object.entries(env)
    .map(([key, value]) => `${key}=${escapeEnvFileValue(value)}\n`)
    .join("");
  return text === "" ? "\n" : text;
}

function escapeEnvFileValue(value: unknown): string {
  const parts = rubyToS(value).match(/[\x00-\x7F]+|[^\x00-\x7F]+/gu) ?? [];
  return parts
    .map((part) =>
      /^[\x00-\x7F]+$/.test(part) ? rubyDump(part).slice(1, -1).replaceAll('\\"', '"').replaceAll("\\#", "#") : part,
    )
    .join("");
}
