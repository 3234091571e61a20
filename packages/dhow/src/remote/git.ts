/**
 * @module
 * Facts about the local git checkout (Kamal's `Kamal::Git`), each read once on first use by running git.
 */
import { type LocalOptions, type LocalResult, runLocalSync } from "./local.js";

/** Git facts for version resolution, the audit performer and the lock holder. */
export interface GitFacts {
  /** `git rev-parse` succeeds (this is a git checkout and git is installed). */
  used(): boolean;
  /** `git rev-parse HEAD` */
  revision(): string;
  /** `git status --porcelain` ("" when clean). */
  uncommittedChanges(): string;
  /** `git ls-files --others --exclude-standard` */
  untrackedFiles(): string;
  /** `git config user.name` ("" when unset); undefined when git is not installed. */
  userName(): string | undefined;
  /** `git config user.email` ("" when unset); undefined when git is not installed. */
  email(): string | undefined;
  /** `git rev-parse --show-toplevel` */
  root(): string;
}

/** A synchronous process runner (defaults to `runLocalSync`). */
export type SyncRun = (file: string, args: readonly string[], options?: LocalOptions) => LocalResult;

/** Git facts for the checkout at `cwd`, read lazily and cached. */
export function createGitFacts({ cwd, run = runLocalSync }: { cwd: string; run?: SyncRun }): GitFacts {
  const cache = new Map<string, LocalResult>();
  const git = (...args: string[]): LocalResult => {
    const key = args.join("\0");
    let result = cache.get(key);
    if (!result) {
      result = run("git", args, { cwd });
      cache.set(key, result);
    }
    return result;
  };
  const output = (...args: string[]) => git(...args).stdout.trim();
  const installedOutput = (...args: string[]) => {
    const result = git(...args);
    return result.notFound ? undefined : result.stdout.trim();
  };
  return {
    used: () => git("rev-parse").exitCode === 0,
    revision: () => output("rev-parse", "HEAD"),
    uncommittedChanges: () => output("status", "--porcelain"),
    untrackedFiles: () => output("ls-files", "--others", "--exclude-standard"),
    userName: () => installedOutput("config", "user.name"),
    email: () => installedOutput("config", "user.email"),
    root: () => output("rev-parse", "--show-toplevel"),
  };
}
