/**
 * @module
 * Splits an `aliases:` command line into words with Ruby's Shellwords.split (`ruby.ts`), as Kamal does.
 */
import { ShellwordsError, shellwordsSplit } from "../../ruby.js";

/** `app exec -i "bin/rails console"` → `["app", "exec", "-i", "bin/rails console"]` */
export function splitShellWords(line: string): string[] {
  try {
    return shellwordsSplit(line);
  } catch (error) {
    if (error instanceof ShellwordsError) throw new Error(`${error.problem}: ${line}`);
    throw error;
  }
}
