/**
 * @module
 * Git-clone builds (Kamal's `Commands::Builder::Clone`): without `builder.context`, the build runs in a
 * fresh clone of HEAD under `$TMPDIR/kamal-clones/`, so uncommitted changes never reach the image. These
 * are the git commands that make and reset that clone; paths are shell-escaped as Ruby's `shellescape`.
 */
import type { BuildFacts } from "../../config/sections/builder.js";
import type { Command } from "../command.js";
import type { BuilderCommandConfig } from "./base.js";

/** The inputs of the clone commands. */
export interface CloneInput {
  readonly config: Pick<BuilderCommandConfig, "builder">;
  readonly facts: Pick<BuildFacts, "gitUsed" | "gitRoot" | "gitRevision" | "pwd" | "tmpdir">;
}

/** `git -C <clone dir> clone <repo root> --recurse-submodules` */
export function clone({ config, facts }: CloneInput): Command {
  return git(
    ["clone", shellEscape(facts.gitRoot), "--recurse-submodules"],
    shellEscape(config.builder.cloneDirectory(facts)),
  );
}

/** Brings an existing clone to HEAD: set-url, fetch, hard reset, clean, submodules, and a bounded `gc`. */
export function cloneResetSteps(input: CloneInput): Command[] {
  const { facts } = input;
  const path = escapedBuildDirectory(input);
  return [
    git(["remote", "set-url", "origin", shellEscape(facts.gitRoot)], path),
    git(["fetch", "origin"], path),
    git(["reset", "--hard", facts.gitRevision], path),
    git(["clean", "-fdx"], path),
    git(["submodule", "update", "--init"], path),
    git(["gc", "--auto", "--quiet"], path),
  ];
}

/** `git -C <build dir> status --porcelain` (a clean clone prints nothing). */
export function cloneStatus(input: CloneInput): Command {
  return git(["status", "--porcelain"], escapedBuildDirectory(input));
}

/** `git -C <build dir> rev-parse HEAD` (must equal the local HEAD). */
export function cloneRevision(input: CloneInput): Command {
  return git(["rev-parse", "HEAD"], escapedBuildDirectory(input));
}

/**
 * Ruby's `Shellwords.escape`: `''` for an empty string, else a backslash before every character outside
 * `A-Za-z0-9_-.,:+/@`, and a newline as `'\n'`. Hand-written: Kamal's exact strings depend on this form.
 */
export function shellEscape(text: string): string {
  if (text === "") return "''";
  return text.replace(/[^A-Za-z0-9_\-.,:+/@\n]/gu, (ch) => `\\${ch}`).replace(/\n/g, "'\n'");
}

function escapedBuildDirectory({ config, facts }: CloneInput): string {
  return shellEscape(config.builder.buildDirectory(facts));
}

/** Kamal's `git(*args, path:)`: `git [-C <path>] <args>`. */
function git(args: readonly string[], path: string | undefined): Command {
  return path === undefined ? ["git", ...args] : ["git", "-C", path, ...args];
}
