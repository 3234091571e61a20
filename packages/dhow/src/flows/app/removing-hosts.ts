/**
 * @module
 * Which app hosts a removal may clear completely: those whose every role is selected (Kamal removes images
 * and directories only there).
 */
import type { DeployContext } from "../runtime/context.js";

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
