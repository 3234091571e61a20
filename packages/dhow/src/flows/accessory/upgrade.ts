/**
 * @module
 * `dhow accessory upgrade NAME|all [--rolling]` (Kamal 1.x → 2.0): reboots the accessories into the `kamal`
 * network, all accessory hosts at once or one host at a time. Asks first unless `-y`.
 */
import type { DeployContext } from "../runtime/context.js";
import { accessoryReboot } from "./reboot.js";
import { type Confirm, confirming } from "../runtime/confirm.js";
import { selectTargets } from "../runtime/selection.js";
import { withLock } from "../runtime/with-lock.js";
import { requireSecrets } from "../runtime/require-secrets.js";

export interface AccessoryUpgradeOptions {
  readonly rolling?: boolean | undefined;
  readonly confirmed?: boolean | undefined;
  readonly confirm?: Confirm | undefined;
}

/** Reboots the accessories host group by host group, with the lock. */
export async function accessoryUpgrade(
  ctx: DeployContext,
  name: string,
  options: AccessoryUpgradeOptions = {},
): Promise<void> {
  requireSecrets(ctx, { accessory: name });
  await confirming(ctx, "This will restart all accessories", options, () =>
    withLock(ctx, async () => {
      const hosts = ctx.selection.accessoryHosts;
      const groups = options.rolling ? hosts.map((host) => [host]) : [hosts];
      for (const group of groups) {
        const list = group.join(",");
        const scoped = withSpecificHosts(ctx, group);
        ctx.logger.say(`Upgrading ${name} accessories on ${list}...`, "magenta");
        await accessoryReboot(scoped, name);
        ctx.logger.say(`Upgraded ${name} accessories on ${list}...`, "magenta");
      }
    }),
  );
}

/** The context limited to `hosts` (Kamal's `with_specific_hosts`), keeping the selected roles. */
export function withSpecificHosts(ctx: DeployContext, hosts: readonly string[]): DeployContext {
  const roles = ctx.selection.specificRoles?.map((role) => role.name).join(",");
  return {
    ...ctx,
    selection: selectTargets(ctx.config, { hosts: hosts.join(","), roles }),
  };
}
