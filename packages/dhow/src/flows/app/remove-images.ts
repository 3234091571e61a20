/**
 * @module
 * `dhow app remove_images` (Kamal's `Cli::App#remove_images`): removes the app's images on hosts where all
 * of the host's roles are selected, with the lock.
 */
import * as app from "../../commands/app.js";
import * as auditor from "../../commands/auditor.js";
import type { DeployContext } from "../runtime/context.js";
import { execute, on } from "../runtime/execute.js";
import { anyRoleOn } from "../runtime/on-roles.js";
import { progressOf } from "../runtime/progress.js";
import { withLock } from "../runtime/with-lock.js";
import { hostsRemovingAllRoles } from "./removing-hosts.js";

/** `app remove_images`: `docker image prune --all` of the app's images where all of a host's roles are selected. */
export async function removeAppImages(ctx: DeployContext): Promise<void> {
  await withLock(ctx, () =>
    on(ctx, hostsRemovingAllRoles(ctx), (host) =>
      progressOf(ctx).track({ label: "remove app images", host }, async () => {
        await execute(ctx, host, auditor.record(ctx.config, "Removed all app images", { facts: ctx.facts }));
        await execute(ctx, host, app.removeImages({ config: ctx.config, role: anyRoleOn(ctx, host), host }));
      }),
    ),
  );
}
