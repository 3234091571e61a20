/**
 * @module
 * `dhow upgrade` (Kamal's `Cli::Main#upgrade`, 1.x → 2.0): `proxy upgrade` plus `accessory upgrade all`,
 * all hosts at once or one host at a time with `--rolling`. Asks first unless `-y`.
 */
import { accessoryUpgrade, withSpecificHosts } from "../accessory/upgrade.js";
import type { DeployContext } from "../runtime/context.js";
import { type Confirm, confirming } from "../runtime/confirm.js";
import { requireSecrets } from "../runtime/require-secrets.js";
import { withLock } from "../runtime/with-lock.js";
import { proxyUpgrade } from "../proxy/upgrade.js";

/** Options of the upgrade flows. */
export interface UpgradeOptions {
  readonly rolling?: boolean | undefined;
  readonly confirmed?: boolean | undefined;
  readonly confirm?: Confirm | undefined;
}

/** Kamal 1 → 2 on every host: the proxy upgrade, then every accessory rebooted into the `kamal` network. */
export async function upgrade(ctx: DeployContext, options: UpgradeOptions = {}): Promise<void> {
  requireSecrets(ctx, { registry: true, roles: true, accessory: "all" });
  await confirming(ctx, "This will replace Traefik with kamal-proxy and restart all accessories", options, () =>
    withLock(ctx, async () => {
      const inner = { confirmed: true, rolling: false };
      if (options.rolling) {
        const hosts = [...new Set([...ctx.selection.hosts, ...ctx.selection.accessoryHosts])];
        for (const host of hosts) {
          const scoped = withSpecificHosts(ctx, [host]);
          await proxyUpgrade(scoped, inner);
          await accessoryUpgrade(scoped, "all", inner);
        }
      } else {
        await proxyUpgrade(ctx, inner);
        await accessoryUpgrade(ctx, "all", inner);
      }
    }),
  );
}
