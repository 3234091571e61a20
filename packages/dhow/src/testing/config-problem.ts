/**
 * @module
 * The ConfigError a config fails validation with, for the config tests. Used only by `*.test.ts`.
 */
import { validateConfig } from "../config/validate.js";
import { ConfigError } from "../errors.js";

/** The ConfigError's message and key path, or undefined when the config is valid. */
export function configProblem(
  config: Record<string, unknown>,
  destination?: string,
): { message: string; keyPath: string | undefined } | undefined {
  try {
    validateConfig(config, destination === undefined ? {} : { destination });
    return undefined;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { message: error.message, keyPath: error.keyPath };
  }
}
