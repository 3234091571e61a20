/**
 * @module
 * Booting one group of hosts (one `boot.limit` slice): hosts in parallel with each host's roles in turn
 * (barrier role first), or with `boot.parallel_roles` every (host, role) pair at once. Every boot settles
 * before failures are reported, per host as `on()` does.
 */
import type { Role } from "../../config/config.js";
import type { Barrier } from "./barrier.js";
import { type BootOutcome, bootRole } from "./boot-role.js";
import type { DeployContext } from "../runtime/context.js";
import { on, onTasks } from "../runtime/execute.js";
import type { Timing } from "../runtime/timing.js";

export interface BootGroupOptions {
  readonly hosts: readonly string[];
  readonly barrier?: Barrier | undefined;
  /** The role that opens the barrier; its containers boot first on each host. */
  readonly barrierRole?: string | undefined;
  readonly timing?: Timing;
  /** Every boot's outcome is recorded here, also the failed ones. */
  readonly ledger?: BootOutcome[] | undefined;
  /** Only these roles (a layer of the `depends_on` graph); default every selected role. */
  readonly roles?: readonly string[] | undefined;
}

/** Boots every selected role on `hosts`; resolves with what each boot did. */
export async function bootGroup(ctx: DeployContext, options: BootGroupOptions): Promise<BootOutcome[]> {
  const { hosts, barrier, barrierRole, timing, ledger } = options;
  const inLayer = (role: Role) => options.roles === undefined || options.roles.includes(role.name);
  const boot = (host: string, role: Role) =>
    bootRole(ctx, { host, role, barrier, barrierRole, ledger, ...(timing ? { timing } : {}) });
  if (!ctx.config.boot.parallelRoles) {
    const perHost = await on(ctx, hosts, async (host) => {
      const outcomes: BootOutcome[] = [];
      for (const role of barrierRoleFirst(ctx.selection.rolesOn(host).filter(inLayer), barrierRole)) {
        outcomes.push(await boot(host, role));
      }
      return outcomes;
    });
    return perHost.flat();
  }
  const pairs = barrierRoleFirst(ctx.selection.roles.filter(inLayer), barrierRole).flatMap((role) =>
    hosts.filter((host) => role.hosts.includes(host)).map((host) => ({ host, role })),
  );
  return onTasks(
    ctx,
    pairs.map(({ host, role }) => ({ host, run: () => boot(host, role) })),
  );
}

/** Roles with the barrier role first, the rest in their order. */
export function barrierRoleFirst<T extends { readonly name: string }>(roles: readonly T[], barrierRole?: string): T[] {
  return [...roles.filter((role) => role.name === barrierRole), ...roles.filter((role) => role.name !== barrierRole)];
}
