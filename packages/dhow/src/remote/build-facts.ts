/**
 * @module
 * Gathers the facts about this machine that the builder commands depend on (Kamal reads them on the fly
 * through `Kamal::Utils.docker_arch`, `Kamal::Git`, `Dir.pwd`, `Dir.tmpdir`, `File.exist?`). dhow's builders
 * are pure, so the flow gathers them here once and passes them in.
 */
import { existsSync } from "node:fs";
import { tmpdir as osTmpdir } from "node:os";
import { resolve } from "node:path";
import { type LocalOptions, type LocalResult, runLocalSync } from "./local.js";

/** The facts builder commands need; structurally the `BuildFacts` of `config/sections/builder.ts`. */
export interface GatheredBuildFacts {
  readonly dockerArch: string;
  readonly gitUsed: boolean;
  readonly gitRoot: string;
  readonly gitRevision: string;
  readonly pwd: string;
  readonly tmpdir: string;
  readonly dockerfileExists: boolean;
}

/** Runs a program synchronously (`runLocalSync` by default; tests pass a fake). */
export type SyncRunner = (file: string, args: readonly string[], options?: LocalOptions) => LocalResult;

/** What to gather the facts for. */
export interface GatherBuildFactsOptions {
  /** The working directory (default: the process's). */
  readonly cwd?: string;
  /** The configured Dockerfile, checked relative to `cwd`. */
  readonly dockerfile: string;
  /** Ask docker for its architecture (only needed with a remote builder; it needs a running daemon). */
  readonly needsDockerArch: boolean;
  readonly run?: SyncRunner;
  /** The temp dir (default: `os.tmpdir()`, which honours TMPDIR as Ruby's `Dir.tmpdir` does). */
  readonly tmpdir?: string;
}

/** Gathers the build facts: git state, paths, Dockerfile presence and (when needed) the docker arch. */
export function gatherBuildFacts(options: GatherBuildFactsOptions): GatheredBuildFacts {
  const { cwd = process.cwd(), dockerfile, needsDockerArch, run = runLocalSync, tmpdir = osTmpdir() } = options;
  const gitUsed = run("git", ["rev-parse"], { cwd }).exitCode === 0;
  return {
    dockerArch: needsDockerArch ? localDockerArch(run, cwd) : "",
    gitUsed,
    gitRoot: gitUsed ? run("git", ["rev-parse", "--show-toplevel"], { cwd }).stdout.trim() : "",
    gitRevision: gitUsed ? run("git", ["rev-parse", "HEAD"], { cwd }).stdout.trim() : "",
    pwd: cwd,
    tmpdir,
    dockerfileExists: existsSync(resolve(cwd, dockerfile)),
  };
}

/** The local docker daemon's architecture as Kamal names it (`docker info --format '{{.Architecture}}'`). */
export function localDockerArch(run: SyncRunner = runLocalSync, cwd?: string): string {
  const result = run("docker", ["info", "--format", "{{.Architecture}}"], cwd === undefined ? {} : { cwd });
  return normalizeDockerArch(result.exitCode === 0 ? result.stdout : "");
}

/** `x86_64` → `amd64`, `aarch64` → `arm64`, anything else unchanged (Kamal::Utils.docker_arch). */
export function normalizeDockerArch(reported: string): string {
  const arch = reported.trim();
  if (arch.includes("aarch64")) return "arm64";
  if (arch.includes("x86_64")) return "amd64";
  return arch;
}

/** Whether `docker buildx` is installed here (else dhow can fall back to plain `docker build`). */
export function hasDockerBuildx(run: SyncRunner = runLocalSync): boolean {
  return run("docker", ["buildx", "version"]).exitCode === 0;
}
