/**
 * @module
 * `build deliver`: build and push the image, then pull it on the servers (Kamal's `Cli::Build#deliver`).
 */
import { buildPull } from "./pull.js";
import { type BuildPushOptions, buildPush } from "./push.js";
import type { DeployContext } from "../runtime/context.js";
import { requireSecrets } from "../runtime/require-secrets.js";

/** `build push` then `build pull`. */
export async function buildDeliver(ctx: DeployContext, options: BuildPushOptions = {}): Promise<void> {
  requireSecrets(ctx, { registry: true, builder: true });
  await buildPush(ctx, options);
  await buildPull(ctx);
}
