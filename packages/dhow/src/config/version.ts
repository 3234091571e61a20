/**
 * @module
 * The app version a command acts on: `--version`, else `VERSION` from the environment, else the git
 * revision of HEAD, with `_uncommitted_<16 hex>` appended when the working tree is dirty and the build is
 * not a fresh git clone (`builder.context` is set). Kamal's `Configuration#version`. Git facts are injected.
 */
import { randomBytes } from "node:crypto";
import { ConfigError } from "../errors.js";

/** What version resolution needs to know about the git checkout (see `remote/git.ts`). */
export interface GitVersionFacts {
  /** `git rev-parse` succeeds here. */
  used(): boolean;
  /** `git rev-parse HEAD` */
  revision(): string;
  /** `git status --porcelain` output ("" when clean). */
  uncommittedChanges(): string;
}

/** Inputs of `resolveVersion`. */
export interface ResolveVersionOptions {
  /** `--version` (empty counts as not given). */
  readonly declared?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly git: GitVersionFacts;
  /** `builder.context` is set, so the build uses the working tree and a dirty tree must show in the version. */
  readonly builderContextSet: boolean;
  /** The directory named in the "no git repository" error. */
  readonly cwd: string;
  /** Random hex of `bytes` bytes (default: crypto). */
  readonly randomHex?: (bytes: number) => string;
}

/** Resolves the version (throws ConfigError when it would need git and there is no repository). */
export function resolveVersion(options: ResolveVersionOptions): string {
  if (options.declared !== undefined && options.declared !== "") return options.declared;
  const fromEnv = options.env.VERSION;
  if (fromEnv !== undefined) return fromEnv;
  if (!options.git.used()) {
    throw new ConfigError(`Can't use commit hash as version, no git repository found in ${options.cwd}`);
  }
  const revision = options.git.revision();
  // `git status` only matters with builder.context set, so it runs only then (Kamal asks it first either way;
  // it only reads, and in a large checkout it is the slowest of the three).
  if (options.builderContextSet && options.git.uncommittedChanges().trim() !== "") {
    const hex = (options.randomHex ?? defaultRandomHex)(8);
    return `${revision}_uncommitted_${hex}`;
  }
  return revision;
}

/** Runs a program synchronously (the shape of `LocalRunner.runSync` from remote/local.ts). */
export interface SyncRunner {
  runSync(
    file: string,
    args: readonly string[],
    options?: { readonly cwd?: string },
  ): { readonly exitCode: number; readonly stdout: string };
}

/**
 * The three git facts version resolution needs, queried through an injected runner (each once, on first
 * use). `remote/git.ts` has the fuller set flows use; config may not import `remote/`, hence this small one.
 */
export function gitVersionFacts(runner: SyncRunner, cwd: string): GitVersionFacts {
  const cache = new Map<string, { exitCode: number; stdout: string }>();
  const git = (...args: string[]) => {
    const key = args.join(" ");
    let result = cache.get(key);
    if (!result) {
      result = runner.runSync("git", args, { cwd });
      cache.set(key, result);
    }
    return result;
  };
  return {
    // A checkout with a commit answers both from `rev-parse HEAD` (one git process less); one without a
    // commit yet fails it and still counts as used when plain `rev-parse` succeeds.
    used: () => git("rev-parse", "HEAD").exitCode === 0 || git("rev-parse").exitCode === 0,
    revision: () => git("rev-parse", "HEAD").stdout.trim(),
    uncommittedChanges: () => git("status", "--porcelain").stdout.trim(),
  };
}

function defaultRandomHex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}
