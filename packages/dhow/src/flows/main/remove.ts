/**
 * @module
 * `dhow remove`: after confirmation, with the lock: `app remove`, `proxy remove` (kept when other apps remain),
 * `accessory remove all` (which asks about the data directories in turn, unless `-y`), and a registry
 * logout on the hosts (`registry remove --skip-local`).
 */
import type { DeployContext } from "../runtime/context.js";
import { ALL_ACCESSORIES } from "../accessory/lookup.js";
import { accessoryRemove } from "../accessory/remove.js";
import { appRemove } from "../app/remove.js";
import { type Confirm, confirming } from "../runtime/confirm.js";
import { proxyRemove } from "../proxy/remove.js";
import { registryRemove } from "../registry/remove.js";
import { withLock } from "../runtime/with-lock.js";

export interface RemoveOptions {
  /** `-y`: do not ask. */
  readonly confirmed?: boolean | undefined;
  /** Asks a yes/no question (the CLI prompts on stdin); without it, an unconfirmed removal is aborted. */
  readonly confirm?: Confirm | undefined;
}

/** Removes the app, the proxy (if unused), the accessories and the registry login from the servers. */
export async function remove(ctx: DeployContext, options: RemoveOptions = {}): Promise<void> {
  await confirming(ctx, "This will remove all containers and images. Are you sure?", options, () =>
    withLock(ctx, async () => {
      await appRemove(ctx);
      await proxyRemove(ctx);
      await accessoryRemove(ctx, ALL_ACCESSORIES, options);
      await registryRemove(ctx, { skipLocal: true });
    }),
  );
}
