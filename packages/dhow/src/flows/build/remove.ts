import { buildSetup } from "./facts.js";
import type { DeployContext } from "../runtime/context.js";
import { executeLocal } from "../runtime/execute-local.js";
import { withBuildx } from "./with-buildx.js";

/** Removes the buildx builder. */
export async function buildRemove(ctx: DeployContext): Promise<void> {
  if (!(await withBuildx(ctx))) return;
  const { commands } = buildSetup(ctx);
  ctx.logger.debug(`Using builder: ${commands.name}`);
  const remove = commands.remove();
  if (remove) await executeLocal(ctx, remove);
}
