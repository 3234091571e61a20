/**
 * @module
 * `dhow app remove_app_directories` (Kamal's `Cli::App#remove_app_directories`): deletes the app's
 * directories and its proxy app config where all of a host's roles are selected, with the lock.
 */
import * as app from "../../commands/app.js";
import * as auditor from "../../commands/auditor.js";
import * as server from "../../commands/server.js";
import type { DeployContext } from "../runtime/context.js";
import { execute, on } from "../runtime/execute.js";
import { anyRoleOn } from "../runtime/on-roles.js";
import { progressOf } from "../runtime/progress.js";
import { withLock } from "../runtime/with-lock.js";
import { hostsRemovingAllRoles } from "./removing-hosts.js";

/** `app remove_app_directories`: `rm -r .kamal/apps/<svc>` and the proxy's app config, where all roles are selected. */
export async function removeAppDirectories(ctx: DeployContext): Promise<void> {
  await withLock(ctx, () =>
    on(ctx, hostsRemovingAllRoles(ctx), (host) =>
      progressOf(ctx).track({ label: "remove app directories", host }, async () => {
        await execute(ctx, host, server.removeAppDirectory(ctx.config), { allowFailure: true });
        await execute(
          ctx,
          host,
          auditor.record(ctx.config, `Removed ${ctx.config.appDirectory}`, { facts: ctx.facts }),
        );
        await execute(
          ctx,
          host,
          app.removeProxyAppDirectory({ config: ctx.config, role: anyRoleOn(ctx, host), host }),
          { allowFailure: true },
        );
      }),
    ),
  );
}
