/**
 * @module
 * `build create`, `build remove`, `build details`: manage the buildx builder the build uses (Kamal's
 * `Cli::Build#create`, `#remove`, `#details`). Without buildx, dhow builds with plain `docker build`, so there
 * is no builder to manage and these say so.
 */
import { CommandFailedError } from "../../remote/executor.js";
import { buildSetup } from "./facts.js";
import type { DeployContext } from "../runtime/context.js";
import { ensureLocalDocker } from "./ensure-local-docker.js";
import { executeLocal } from "../runtime/execute-local.js";

/** Creates the buildx builder (and docker context for a remote builder). */
export async function buildCreate(ctx: DeployContext): Promise<void> {
  if (!(await withBuildx(ctx))) return;
  const { commands } = buildSetup(ctx);
  ctx.logger.debug(`Using builder: ${commands.name}`);
  const create = commands.create();
  if (!create) return;
  try {
    await executeLocal(ctx, create);
  } catch (error) {
    if (!(error instanceof CommandFailedError)) throw error;
    ctx.logger.error(`Couldn't create remote builder: ${error.result.stderr.trim() || error.message}`);
  }
}

/** Removes the buildx builder. */
export async function buildRemove(ctx: DeployContext): Promise<void> {
  if (!(await withBuildx(ctx))) return;
  const { commands } = buildSetup(ctx);
  ctx.logger.debug(`Using builder: ${commands.name}`);
  const remove = commands.remove();
  if (remove) await executeLocal(ctx, remove);
}

/** Prints the builder name and the docker contexts and buildx builders. */
export async function buildDetails(ctx: DeployContext): Promise<void> {
  const { buildx } = await ensureLocalDocker(ctx);
  const { commands } = buildSetup(ctx);
  ctx.logger.output(`Builder: ${buildx ? commands.name : "plain docker build (no buildx)"}\n`);
  const info = buildx ? commands.info() : ["docker", "context", "ls"];
  const result = await executeLocal(ctx, info, { allowFailure: !buildx });
  ctx.logger.output(`${result.stdout.trimEnd()}\n`);
}

async function withBuildx(ctx: DeployContext): Promise<boolean> {
  const { buildx } = await ensureLocalDocker(ctx);
  if (!buildx)
    ctx.logger.say("docker buildx is not installed here: dhow builds with plain `docker build`, no builder to manage");
  return buildx;
}
