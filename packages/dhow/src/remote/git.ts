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
  // The identity (user.name for the lock, user.email for the audit's performer) in one git process: the last
  // value of each key, as `git config <key>` prints it; "" when unset, undefined without git.
  let identity: { name: string; email: string } | undefined;
  const identityOf = (key: "name" | "email"): string | undefined => {
    const result = git("config", "--get-regexp", "^user\\.(name|email)$");
    if (result.notFound) return undefined;
    if (!identity) {
      identity = { name: "", email: "" };
      for (const line of result.exitCode === 0 ? result.stdout.split("\n") : []) {
        const match = /^user\.(name|email)(?: (.*))?$/i.exec(line);
        if (match) identity[match[1]!.toLowerCase() as "name" | "email"] = (match[2] ?? "").trim();
      }
    }
    return identity[key];
  };
  return {
    // A checkout with a commit answers both from `rev-parse HEAD` (one git process less).
    used: () => git("rev-parse", "HEAD").exitCode === 0 || git("rev-parse").exitCode === 0,
    revision: () => output("rev-parse", "HEAD"),
    uncommittedChanges: () => output("status", "--porcelain"),
    untrackedFiles: () => output("ls-files", "--others", "--exclude-standard"),
    userName: () => identityOf("name"),
    email: () => identityOf("email"),
    root: () => output("rev-parse", "--show-toplevel"),
  };
}
