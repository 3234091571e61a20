/**
 * @module
 * The machine facts the builder commands of this context depend on (git state, paths, Dockerfile
 * presence, docker arch), gathered with the context's local runner, and the git working-tree state
 * builds warn about.
 */
import { type BuilderCommands, builderCommands } from "../../commands/builder/builder-commands.js";
import { type GatheredBuildFacts, gatherBuildFacts } from "../../remote/build-facts.js";
import type { DeployContext } from "../runtime/context.js";

/** Facts and the builder commands made from them. */
export interface BuildSetup {
  readonly facts: GatheredBuildFacts;
  readonly commands: BuilderCommands;
}

/** Gathers the build facts (or takes `facts` as given, for tests) and makes the builder commands. */
export function buildSetup(ctx: DeployContext, facts?: GatheredBuildFacts): BuildSetup {
  const gathered =
    facts ??
    gatherBuildFacts({
      cwd: ctx.cwd,
      dockerfile: ctx.config.builder.dockerfile,
      needsDockerArch: ctx.config.builder.needsDockerArch,
      run: ctx.local.runSync,
    });
  return { facts: gathered, commands: builderCommands({ config: ctx.config, facts: gathered }) };
}

/** `git status --porcelain` in the project ("" when clean or not a git checkout). */
export function uncommittedChanges(ctx: DeployContext): string {
  const result = ctx.local.runSync("git", ["status", "--porcelain"], { cwd: ctx.cwd });
  return result.exitCode === 0 ? result.stdout.trimEnd() : "";
}

/** `git ls-files --others --exclude-standard` in the project ("" when none or not a git checkout). */
export function untrackedFiles(ctx: DeployContext): string {
  const result = ctx.local.runSync("git", ["ls-files", "--others", "--exclude-standard"], { cwd: ctx.cwd });
  return result.exitCode === 0 ? result.stdout.trimEnd() : "";
}
