/**
 * @module
 * `dhow proxy reboot [--rolling]`: per host group (all proxy hosts, or one at a time with `--rolling`):
 * pre-proxy-reboot hook, registry login, stop, prune the proxy container, ensure the apps-config directory,
 * run a new proxy container, post-proxy-reboot hook. Asks first unless `-y` (a brief outage per host).
 */
import * as auditor from "../../commands/auditor.js";
import * as proxy from "../../commands/proxy.js";
import type { DeployContext } from "../runtime/context.js";
import { execute, on } from "../runtime/execute.js";
import { type Confirm, confirming } from "../runtime/confirm.js";
import { loginToRegistry } from "../registry/login-to-registry.js";
import { runHook } from "../runtime/run-hook.js";
import { progressOf } from "../runtime/progress.js";
import { withLock } from "../runtime/with-lock.js";

export interface ProxyRebootOptions {
  readonly rolling?: boolean | undefined;
  readonly confirmed?: boolean | undefined;
  readonly confirm?: Confirm | undefined;
}

/** Reboots kamal-proxy on the proxy hosts, with the lock and the proxy-reboot hooks. */
export async function proxyReboot(ctx: DeployContext, options: ProxyRebootOptions = {}): Promise<void> {
  await confirming(ctx, "This will cause a brief outage on each host. Are you sure?", options, () =>
    withLock(ctx, async () => {
      const hosts = ctx.selection.proxyHosts;
      const groups = options.rolling ? hosts.map((host) => [host]) : [hosts];
      for (const group of groups) {
        const list = group.join(",");
        await runHook(ctx, "pre-proxy-reboot", { hosts: list });
        await on(ctx, group, (host) =>
          progressOf(ctx).track({ label: "reboot proxy", host }, async () => {
            const target = { config: ctx.config, host };
            await execute(ctx, host, auditor.record(ctx.config, "Rebooted proxy", { facts: ctx.facts }));
            await loginToRegistry(ctx, host);
            await execute(ctx, host, proxy.stop(target), { allowFailure: true });
            await execute(ctx, host, proxy.removeContainer(target));
            await execute(ctx, host, proxy.ensureAppsConfigDirectory(target));
            await execute(ctx, host, proxy.run(target));
          }),
        );
        await runHook(ctx, "post-proxy-reboot", { hosts: list });
      }
    }),
  );
}
