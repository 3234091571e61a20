/**
 * @module
 * `dhow proxy upgrade` (Kamal's `Cli::Proxy#upgrade`, 1.x → 2.0): replaces Traefik with the proxy on the
 * selected hosts, then boots the app and prunes.
 */
import * as docker from "../../commands/docker.js";
import * as proxy from "../../commands/proxy.js";
import { withSpecificHosts } from "../accessory/upgrade.js";
import { appBoot } from "../app/boot.js";
import type { DeployContext } from "../runtime/context.js";
import { execute, on } from "../runtime/execute.js";
import { confirming } from "../runtime/confirm.js";
import { loginToRegistry } from "../registry/login-to-registry.js";
import { proxyBoot } from "../proxy/boot.js";
import { pruneAll } from "../prune/all.js";
import { requireSecrets } from "../runtime/require-secrets.js";
import { runHook } from "../runtime/run-hook.js";
import { withLock } from "../runtime/with-lock.js";
import type { UpgradeOptions } from "../main/upgrade.js";

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
