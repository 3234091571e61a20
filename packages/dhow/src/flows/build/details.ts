import { buildSetup } from "./facts.js";
import type { DeployContext } from "../runtime/context.js";
import { ensureLocalDocker } from "./ensure-local-docker.js";
import { executeLocal } from "../runtime/execute-local.js";

/** Prints the builder name and the docker contexts and buildx builders. */
export async function buildDetails(ctx: DeployContext): Promise<void> {
  const { buildx } = await ensureLocalDocker(ctx);
  const { commands } = buildSetup(ctx);
  ctx.logger.output(`Builder: ${buildx ? commands.name : "plain docker build (no buildx)"}\n`);
  const info = buildx ? commands.info() : ["docker", "context", "ls"];
  const result = await executeLocal(ctx, info, { allowFailure: !buildx, readOnly: true });
  ctx.logger.output(`${result.stdout.trimEnd()}\n`);
}
