/**
 * @module
 * Kamal 1.x → 2.0 migration on the hosts: `dhow proxy upgrade` swaps Traefik for the proxy and reboots the
 * app into the `kamal` network; `dhow upgrade` does that plus `accessory upgrade all`, all hosts at once or
 * one host at a time with `--rolling`. Both ask first unless `-y`.
 */
import * as docker from "../../commands/docker.js";
import * as proxy from "../../commands/proxy.js";
import { accessoryUpgrade, withSpecificHosts } from "../accessory/upgrade.js";
import { appBoot } from "../app/boot.js";
import type { DeployContext } from "../runtime/context.js";
import { execute, on } from "../runtime/execute.js";
import { type Confirm, confirming, loginToRegistry } from "../runtime/ops-support.js";
import { proxyBoot } from "../proxy/boot.js";
import { pruneAll } from "../prune/all.js";
import { requireSecrets } from "../runtime/require-secrets.js";
import { runHook } from "../runtime/run-hook.js";
import { withLock } from "../runtime/with-lock.js";

/** Options of the upgrade flows. */
export interface UpgradeOptions {
  readonly rolling?: boolean | undefined;
  readonly confirmed?: boolean | undefined;
  readonly confirm?: Confirm | undefined;
}

/** Replaces Traefik with the proxy on the selected hosts, then boots the app and prunes (Kamal's `proxy upgrade`). */
export async function proxyUpgrade(ctx: DeployContext, options: UpgradeOptions = {}): Promise<void> {
  requireSecrets(ctx, { registry: true, roles: true });
  await confirming(ctx, "This will cause a brief outage on each host. Are you sure?", options, () =>
    withLock(ctx, async () => {
      const hosts = ctx.selection.hosts;
      const groups = options.rolling ? hosts.map((host) => [host]) : [hosts];
      for (const group of groups) {
        const list = group.join(",");
        ctx.logger.say(`Upgrading proxy on ${list}...`, "magenta");
        await runHook(ctx, "pre-proxy-reboot", { hosts: list });
        await on(ctx, group, async (host) => {
          await execute(ctx, host, docker.createNetwork(), { allowFailure: true });
          await execute(ctx, host, proxy.cleanupTraefik(), { allowFailure: true });
          await loginToRegistry(ctx, host);
        });
        const scoped = withSpecificHosts(ctx, group);
        await proxyBoot(scoped);
        await appBoot(scoped, { version: ctx.config.latestTag });
        await pruneAll(scoped);
        await runHook(ctx, "post-proxy-reboot", { hosts: list });
        ctx.logger.say(`Upgraded proxy on ${list}`, "magenta");
      }
    }),
  );
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
