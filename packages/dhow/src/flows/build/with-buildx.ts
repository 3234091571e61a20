/**
 * @module
 * Whether the buildx builder can be managed here: without buildx, dhow builds with plain `docker build`, so
 * `build create|remove|details` have no builder to manage and say so.
 */
import type { DeployContext } from "../runtime/context.js";
import { ensureLocalDocker } from "./ensure-local-docker.js";

export async function withBuildx(ctx: DeployContext): Promise<boolean> {
  const { buildx } = await ensureLocalDocker(ctx);
  if (!buildx)
    ctx.logger.say("docker buildx is not installed here: dhow builds with plain `docker build`, no builder to manage");
  return buildx;
}
