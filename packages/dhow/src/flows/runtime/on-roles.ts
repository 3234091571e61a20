/**
 * @module
 * Role fan-out for the operating flows (Kamal's `on_roles`): every selected role on each host, and the
 * first role of a host.
 */
import type { Role } from "../../config/config.js";
import { DhowError } from "../../errors.js";
import type { DeployContext } from "./context.js";
import { on, onTasks } from "./execute.js";

/**
 * Runs `fn(host, role)` for every selected role on each of `hosts` (Kamal's `on_roles`). Default: hosts in
 * parallel, roles one after another on each host. `parallel` (boot.parallel_roles): one branch per role,
 * each running on that role's hosts in parallel. Every branch settles before failures are reported.
 */
export async function onRoles(
  ctx: DeployContext,
  hosts: readonly string[],
  fn: (host: string, role: Role) => Promise<void>,
  options: { parallel?: boolean } = {},
): Promise<void> {
  if (!options.parallel) {
    await on(ctx, hosts, async (host) => {
      for (const role of ctx.selection.rolesOn(host)) await fn(host, role);
    });
    return;
  }
  const pairs = ctx.selection.roles.flatMap((role) =>
    hosts.filter((host) => role.hosts.includes(host)).map((host) => ({ host, role })),
  );
  await onTasks(
    ctx,
    pairs.map(({ host, role }) => ({ host, run: () => fn(host, role) })),
  );
}

/** The first selected role on an app host (Kamal's `KAMAL.roles_on(host).first`). */
export function anyRoleOn(ctx: DeployContext, host: string): Role {
  const role = ctx.selection.rolesOn(host)[0] ?? ctx.config.hostRoles(host)[0] ?? ctx.config.roles[0];
  if (!role) throw new DhowError(`No role runs on ${host}`);
  return role;
}
