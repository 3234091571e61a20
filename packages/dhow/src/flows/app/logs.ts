/**
 * @module
 * `dhow app logs`: the last lines of the running container's log on every app host and role (100 by
 * default, none when `--since` or `--grep` limit them), or `--follow` over `ssh -t` on the primary host
 * (10 lines by default).
 */
import * as app from "../../commands/app.js";
import { CommandFailedError } from "../../remote/executor.js";
import type { DeployContext } from "../runtime/context.js";
import { capture } from "../runtime/execute.js";
import { type HandOverOptions, handOverRunner } from "../runtime/hand-over.js";
import { onRoles } from "../runtime/on-roles.js";

/** Lines shown by default. */
export const DEFAULT_LOG_LINES = 100;
/** Lines shown by default with `--follow`. */
export const DEFAULT_FOLLOW_LOG_LINES = 10;

/** Options of `appLogs` (the CLI's logs options). */
export interface AppLogsOptions extends HandOverOptions {
  readonly since?: string | undefined;
  readonly lines?: number | undefined;
  readonly grep?: string | undefined;
  readonly grepOptions?: string | undefined;
  readonly follow?: boolean | undefined;
  readonly skipTimestamps?: boolean | undefined;
  readonly containerId?: string | undefined;
}

/** Shows (or follows) the app's logs; resolves with the exit code (ssh's when following). */
export async function appLogs(ctx: DeployContext, options: AppLogsOptions = {}): Promise<number> {
  const { since, grep, grepOptions, containerId } = options;
  const timestamps = !options.skipTimestamps;
  const limited = Boolean(since) || Boolean(grep);

  if (options.follow) {
    const host = ctx.selection.primaryHost;
    const role = followedRole(ctx, host);
    if (host === undefined || role === undefined) return 0;
    const lines = options.lines || (limited ? undefined : DEFAULT_FOLLOW_LOG_LINES);
    ctx.logger.say(`Following logs on ${host}...`);
    const line = app.followLogs(
      { config: ctx.config, role, host },
      { host, containerId, timestamps, lines, grep, grepOptions },
    );
    ctx.logger.say(line);
    return handOverRunner(ctx, options)(line);
  }

  const lines = options.lines || (limited ? undefined : DEFAULT_LOG_LINES);
  await onRoles(ctx, ctx.selection.appHosts, async (host, role) => {
    const command = app.logs(
      { config: ctx.config, role, host },
      { containerId, timestamps, since, lines, grep, grepOptions },
    );
    try {
      ctx.logger.outputByHost(host, await capture(ctx, host, command));
    } catch (error) {
      if (!(error instanceof CommandFailedError)) throw error;
      ctx.logger.outputByHost(host, "Nothing found");
    }
  });
  return 0;
}

/** The role followed on the primary host: the first selected one, or the primary role without `--roles`. */
function followedRole(ctx: DeployContext, host: string | undefined) {
  if (host === undefined) return undefined;
  const onHost = ctx.selection.rolesOn(host);
  if (ctx.selection.specificRoles) return onHost[0];
  return onHost.find((role) => role.name === ctx.config.primaryRoleName) ?? onHost[0];
}
