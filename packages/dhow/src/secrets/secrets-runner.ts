/**
 * @module
 * The slice of `remote/local.ts`'s `LocalRunner` that secrets need. The layer rules let `secrets/` import only
 * itself, so this is a structural copy: pass `localRunner` (or a test double) wherever a `SecretsRunner` is asked.
 */

/** What a finished process gave back (a subset of `LocalResult`). */
export interface SecretsProcessResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** True when the program is not installed (ENOENT). */
  readonly notFound: boolean;
}

/** Options for one process (a superset of `LocalOptions`). */
export interface SecretsProcessOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: string;
  /**
   * The program may prompt (vault sign-in, `$(…)` commands): Kamal runs these with backticks, so stdin and
   * stderr stay on the terminal and only stdout is captured. A runner that supports it inherits stdin/stderr.
   */
  readonly interactive?: boolean;
}

/** Runs programs synchronously; `localRunner` from `remote/local.ts` satisfies it. */
export interface SecretsRunner {
  runSync(file: string, args: readonly string[], options?: SecretsProcessOptions): SecretsProcessResult;
  shellSync(commandLine: string, options?: SecretsProcessOptions): SecretsProcessResult;
}
