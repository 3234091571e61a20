/**
 * @module
 * `dhow app stale_containers [--stop]`: running app containers of versions other than the current one, per
 * host and role. `--stop` stops them (with the lock); `deploy` and `redeploy` run it with `stop: true`.
 * A container kamal-proxy routes to is never stopped, even when the "current version" query (which prefers
 * the `latest` image) names another: after an interrupted deploy that is the live one.
 */
import * as app from "../../commands/app.js";
import type { DeployContext } from "../runtime/context.js";
import { capture, executeLater } from "../runtime/execute.js";
import { captureFact } from "../runtime/gather.js";
import { onRoles } from "../runtime/on-roles.js";
import { type ProxyRoutes, readProxyRoutes, routesTo } from "../proxy/routes.js";
import { withLock } from "../runtime/with-lock.js";

export interface StaleContainersOptions {
  /** Stop the stale containers (takes the deploy lock) instead of only listing them. */
  readonly stop: boolean;
}

/** Lists (or stops) containers of other versions still running on the app hosts (Kamal §5.2). */
export async function staleContainers(ctx: DeployContext, options: StaleContainersOptions): Promise<void> {
  const work = () =>
    onRoles(ctx, ctx.selection.appHosts, async (host, role) => {
      const target = { config: ctx.config, role, host };
      const running = await captureFact(ctx, host, app.listVersions(target));
      const current = await captureFact(ctx, host, app.currentRunningVersion(target));
      const stale = running
        .split("\n")
        .map((line) => line.trim())
        .filter((version) => version !== "" && version !== current);
      let routes: ProxyRoutes | undefined;
      for (const version of stale) {
        if (options.stop && role.runningProxy) {
          routes ??= await readProxyRoutes(ctx, host);
          const targets = routes.get(role.containerPrefix) ?? [];
          const id = await capture(ctx, host, app.containerIdForVersion(target, version), {
            allowFailure: true,
            readOnly: true,
          });
          if (routesTo(targets, { id, name: app.containerName(target, version) })) {
            ctx.logger.outputByHost(
              host,
              `Not stopping container for role ${role.name} with version ${version}: kamal-proxy routes ${role.containerPrefix} to it`,
            );
            continue;
          }
        }
        if (options.stop) {
          ctx.logger.outputByHost(host, `Stopping stale container for role ${role.name} with version ${version}`);
          await executeLater(ctx, host, [{ command: app.stop(target, { version }), allowFailure: true }], {
            purpose: `stop stale ${role.name} container ${version}`,
          });
        } else {
          ctx.logger.outputByHost(
            host,
            `Detected stale container for role ${role.name} with version ${version} (use \`dhow app stale_containers --stop\` to stop)`,
          );
        }
      }
    });
  if (options.stop) await withLock(ctx, work);
  else await work();
}
