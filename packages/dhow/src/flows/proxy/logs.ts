/**
 * @module
 * `dhow proxy logs`: `docker logs kamal-proxy` on the proxy hosts (100 lines by default, none with
 * `--since`/`--grep`), or `--follow` over `ssh -t` on the primary host.
 */
import * as proxy from "../../commands/proxy.js";
import type { DeployContext } from "../runtime/context.js";
import { capture, on } from "../runtime/execute.js";
import { type AppLogsOptions, DEFAULT_LOG_LINES } from "../app/logs.js";
import { handOverRunner } from "../runtime/hand-over.js";

/** Options of `proxyLogs` (the CLI's logs options). */
export type ProxyLogsOptions = Omit<AppLogsOptions, "containerId">;

/** Shows (or follows) the proxy's logs; resolves with the exit code (ssh's when following). */
export async function proxyLogs(ctx: DeployContext, options: ProxyLogsOptions = {}): Promise<number> {
  const { since, grep, grepOptions } = options;
  const timestamps = !options.skipTimestamps;

  if (options.follow) {
    const host = ctx.selection.primaryHost;
    if (host === undefined) return 0;
    ctx.logger.say(`Following logs on ${host}...`);
    const line = proxy.followLogs({ config: ctx.config, host }, { host, timestamps, grep, grepOptions });
    ctx.logger.say(line);
    return handOverRunner(ctx, options)(line);
  }

  const lines = options.lines || (since || grep ? undefined : DEFAULT_LOG_LINES);
  await on(ctx, ctx.selection.proxyHosts, async (host) => {
    const command = proxy.logs({ config: ctx.config, host }, { timestamps, since, lines, grep, grepOptions });
    ctx.logger.outputByHost(host, await capture(ctx, host, command), "Proxy");
  });
  return 0;
}
