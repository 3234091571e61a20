/**
 * @module
 * Asset bridging before a boot (Kamal's `Cli::App::Assets`): for a proxy role with `asset_path`, copy the
 * new image's assets out, and merge them with the running version's into both versions' asset volumes.
 */
import * as app from "../../commands/app.js";
import type { Role } from "../../config/config.js";
import type { DeployContext } from "../runtime/context.js";
import { capture, execute } from "../runtime/execute.js";

/** Extracts and syncs the role's assets on `host` (nothing unless the role has asset bridging). */
export async function prepareAssets(ctx: DeployContext, host: string, role: Role): Promise<void> {
  if (!role.assets) return;
  const target = { config: ctx.config, role, host };
  await execute(ctx, host, app.extractAssets(target));
  const oldVersion = await capture(ctx, host, app.currentRunningVersion(target), { allowFailure: true });
  await execute(ctx, host, app.syncAssetVolumes(target, { oldVersion }));
}
