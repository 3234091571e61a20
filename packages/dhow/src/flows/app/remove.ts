/**
 * @module
 * `dhow app remove` and its hidden parts: stop the app, prune its containers per role, remove its images
 * and its `.kamal/apps/<svc>` and proxy app-config directories. Images and directories are only removed on
 * hosts where every role of the host is selected, so `--roles web` leaves a host shared with workers intact.
 */
import * as app from "../../commands/app.js";
import * as auditor from "../../commands/auditor.js";
import * as server from "../../commands/server.js";
import type { DeployContext } from "../runtime/context.js";
import { execute, on } from "../runtime/execute.js";
import { anyRoleOn, onRoles } from "../runtime/ops-support.js";
import { appStop } from "./stop.js";
import { progressOf } from "../runtime/progress.js";
import { withLock } from "../runtime/with-lock.js";

/** Stops and removes the app's containers, images and directories (with the lock). */
export async function appRemove(ctx: DeployContext): Promise<void> {
  await withLock(ctx, async () => {
    await appStop(ctx);
    await removeAppContainers(ctx);
    await removeAppImages(ctx);
    await removeAppDirectories(ctx);
  });
}

/** `app remove_container VERSION`: removes one version's container per host and role. */
export async function removeAppContainer(ctx: DeployContext, version: string): Promise<void> {
  await withLock(ctx, () =>
    onRoles(ctx, ctx.selection.appHosts, (host, role) =>
      progressOf(ctx).track({ label: `remove ${role.name} container ${version}`, host }, async () => {
        await execute(
          ctx,
          host,
          auditor.record(ctx.config, `Removed app container with version ${version}`, {
            facts: ctx.facts,
            lineDetails: { role: role.name },
          }),
        );
        await execute(ctx, host, app.removeContainer({ config: ctx.config, role, host }, { version }));
      }),
    ),
  );
}

/** `app remove_containers`: `docker container prune` of every app container per host and role. */
export async function removeAppContainers(ctx: DeployContext): Promise<void> {
  await withLock(ctx, () =>
    onRoles(ctx, ctx.selection.appHosts, (host, role) =>
      progressOf(ctx).track({ label: `remove ${role.name} containers`, host }, async () => {
        await execute(
          ctx,
          host,
          auditor.record(ctx.config, "Removed all app containers", {
            facts: ctx.facts,
            lineDetails: { role: role.name },
          }),
        );
        await execute(ctx, host, app.removeContainers({ config: ctx.config, role, host }));
      }),
    ),
  );
}

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

/** App hosts where the selected roles are all of the host's roles. */
export function hostsRemovingAllRoles(ctx: DeployContext): string[] {
  const names = (roles: readonly { readonly name: string }[]) =>
    roles
      .map((role) => role.name)
      .sort()
      .join(",");
  return ctx.selection.appHosts.filter(
    (host) => names(ctx.selection.rolesOn(host)) === names(ctx.config.hostRoles(host)),
  );
}
