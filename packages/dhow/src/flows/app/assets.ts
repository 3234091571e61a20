/**
 * @module
 * Asset bridging before a boot (Kamal's `Cli::App::Assets`): for a proxy role with `asset_path`, copy the
 * new image's assets out, and merge them with the running version's into both versions' asset volumes.
 */
import * as app from "../../commands/app.js";
import type { Role } from "../../config/config.js";
import type { DeployContext } from "../runtime/context.js";
import type { FlowStep } from "../runtime/execute.js";
import { captureFact } from "../runtime/gather.js";

/** The steps extracting and syncing the role's assets on `host` (none unless the role has asset bridging). */
export async function assetSteps(ctx: DeployContext, host: string, role: Role): Promise<FlowStep[]> {
  if (!role.assets) return [];
  const target = { config: ctx.config, role, host };
  const oldVersion = await captureFact(ctx, host, app.currentRunningVersion(target));
  return [{ command: app.extractAssets(target) }, { command: app.syncAssetVolumes(target, { oldVersion }) }];
}
