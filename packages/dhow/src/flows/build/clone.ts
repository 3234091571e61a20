/**
 * @module
 * Git-clone builds (Kamal's `Cli::Build::Clone`): without `builder.context`, the image is built from a
 * fresh clone of HEAD under `$TMPDIR/kamal-clones/…`, so uncommitted changes never reach it. An existing
 * clone is reset to HEAD; a clone that is dirty or on another revision is deleted and cloned again.
 */
import { mkdirSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { BuilderError } from "../../errors.js";
import { CommandFailedError } from "../../remote/executor.js";
import type { BuildSetup } from "./facts.js";
import type { DeployContext } from "../runtime/context.js";
import { executeLocal } from "../runtime/execute-local.js";

/** Clones (or resets) the build directory and checks it is clean and on HEAD. */
export async function prepareClone(ctx: DeployContext, setup: BuildSetup): Promise<void> {
  try {
    try {
      await cloneRepo(ctx, setup);
    } catch (error) {
      if (!(error instanceof CommandFailedError)) throw error;
      if (/already exists and is not an empty directory/.test(error.stderr)) await reset(ctx, setup);
      else throw new BuilderError(`Failed to clone repo: ${error.message}`, { cause: error });
    }
    await validate(ctx, setup);
  } catch (error) {
    if (!(error instanceof BuilderError)) throw error;
    ctx.logger.error(`Error preparing clone: ${error.message}, deleting and retrying...`);
    rmSync(cloneDirectory(ctx, setup), { recursive: true, force: true });
    await cloneRepo(ctx, setup);
    await validate(ctx, setup);
  }
}

async function cloneRepo(ctx: DeployContext, setup: BuildSetup): Promise<void> {
  ctx.logger.say(`  Cloning repo into build directory \`${ctx.config.builder.buildDirectory(setup.facts)}\`...`);
  mkdirSync(cloneDirectory(ctx, setup), { recursive: true });
  await executeLocal(ctx, setup.commands.clone());
}

async function reset(ctx: DeployContext, setup: BuildSetup): Promise<void> {
  ctx.logger.say(`  Resetting local clone as \`${ctx.config.builder.buildDirectory(setup.facts)}\` already exists...`);
  try {
    for (const step of setup.commands.cloneResetSteps()) await executeLocal(ctx, step);
  } catch (error) {
    if (error instanceof CommandFailedError) {
      throw new BuilderError(`Failed to clone repo: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

async function validate(ctx: DeployContext, setup: BuildSetup): Promise<void> {
  const directory = ctx.config.builder.buildDirectory(setup.facts);
  try {
    const status = (await executeLocal(ctx, setup.commands.cloneStatus(), { readOnly: true })).stdout.trim();
    if (status !== "") throw new BuilderError(`Clone in ${directory} is dirty, ${status}`);
    const revision = (await executeLocal(ctx, setup.commands.cloneRevision(), { readOnly: true })).stdout.trim();
    if (revision !== setup.facts.gitRevision) {
      throw new BuilderError(
        `Clone in ${directory} is not on the correct revision, expected \`${setup.facts.gitRevision}\` but got \`${revision}\``,
      );
    }
  } catch (error) {
    if (error instanceof CommandFailedError) {
      throw new BuilderError(`Failed to validate clone: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

function cloneDirectory(ctx: DeployContext, setup: BuildSetup): string {
  return resolve(ctx.cwd, ctx.config.builder.cloneDirectory(setup.facts));
}
