/**
 * @module
 * Ruby's `Shellwords.split` (`ruby.ts`) for an inline `$(kamal secrets …)` command, which Kamal turns into
 * argv with it; its errors become SecretsErrors that never echo the line.
 */
import { SecretsError } from "../errors.js";
import { ShellwordsError, shellwordsSplit } from "../ruby.js";

/** Splits a secrets command line into words with Ruby `Shellwords.split` semantics. */
export function shellSplit(line: string): string[] {
  try {
    return shellwordsSplit(line);
  } catch (error) {
    if (error instanceof ShellwordsError) {
      throw new SecretsError(`${error.problem} at ${error.position} in a secrets command`);
    }
    throw error;
  }
}
