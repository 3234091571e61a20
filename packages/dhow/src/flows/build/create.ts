import { CommandFailedError } from "../../remote/executor.js";
import { buildSetup } from "./facts.js";
import type { DeployContext } from "../runtime/context.js";
import { executeLocal } from "../runtime/execute-local.js";
import { withBuildx } from "./with-buildx.js";

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
