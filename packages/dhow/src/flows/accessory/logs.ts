/**
 * @module
 * `dhow accessory logs NAME`: `docker logs <service_name>` on the accessory's hosts (100 lines by default,
 * none with `--since`/`--grep`), or `--follow` over `ssh -t` on its first host.
 */
import * as accessoryCommands from "../../commands/accessory.js";
import type { DeployContext } from "../runtime/context.js";
import { capture, on } from "../runtime/execute.js";
import { selectAccessory } from "./lookup.js";
import { DEFAULT_LOG_LINES, type AppLogsOptions } from "../app/logs.js";
import { handOverRunner } from "../runtime/hand-over.js";

/** Options of `accessoryLogs` (the CLI's logs options). */
export type AccessoryLogsOptions = Omit<AppLogsOptions, "containerId">;

/** Shows (or follows) the accessory's logs; resolves with the exit code (ssh's when following). */
export async function accessoryLogs(
  ctx: DeployContext,
  name: string,
  options: AccessoryLogsOptions = {},
): Promise<number> {
  const { hosts, target } = selectAccessory(ctx, name);
  const { since, grep, grepOptions } = options;
  const timestamps = !options.skipTimestamps;

  if (options.follow) {
    ctx.logger.say(`Following logs on ${hosts.join(", ")}...`);
    const line = accessoryCommands.followLogs(target, { timestamps, grep, grepOptions });
    ctx.logger.say(line);
    return handOverRunner(ctx, options)(line);
  }

  const lines = options.lines || (since || grep ? undefined : DEFAULT_LOG_LINES);
  await on(ctx, hosts, async (host) => {
    const output = await capture(
      ctx,
      host,
      accessoryCommands.logs(target, { timestamps, since, lines, grep, grepOptions }),
    );
    ctx.logger.output(`${output}\n`);
  });
  return 0;
}
