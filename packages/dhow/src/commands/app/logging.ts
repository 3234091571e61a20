/**
 * @module
 * App container logs, once or followed over `ssh -t`. Kamal's `Commands::App::Logging`.
 */
import { type LogsOptions, runOverSsh } from "../base.js";
import { type Command, isTruthy, pipe, shell } from "../command.js";
import { currentRunningContainerId } from "./core.js";
import type { AppTarget } from "./target.js";

/** Options of `logs` / `followLogs`. */
export interface AppLogsOptions extends LogsOptions {
  /** A container ID to read instead of the current running container. */
  readonly containerId?: string | undefined;
}

/** `<container id> | xargs docker logs [--timestamps] [--since S] [--tail N] 2>&1 [| grep 'G' opts]` */
export function logs(target: AppTarget, options: AppLogsOptions = {}): Command {
  const { timestamps = true, since, lines, grep, grepOptions } = options;
  return pipe(
    containerIdCommand(target, options.containerId),
    `xargs docker logs${timestamps ? " --timestamps" : ""}${isTruthy(since) ? ` --since ${since}` : ""}${isTruthy(lines) ? ` --tail ${lines}` : ""} 2>&1`,
    isTruthy(grep) ? `grep '${grep}'${isTruthy(grepOptions) ? ` ${grepOptions}` : ""}` : undefined,
  );
}

/** `ssh -t … '<container id> | xargs docker logs [--timestamps] [--tail N] --follow 2>&1 [| grep "G" opts]'` */
export function followLogs(target: AppTarget, options: AppLogsOptions & { readonly host: string }): string {
  const { timestamps = true, lines, grep, grepOptions } = options;
  return runOverSsh(
    target.config,
    pipe(
      containerIdCommand(target, options.containerId),
      `xargs docker logs${timestamps ? " --timestamps" : ""}${isTruthy(lines) ? ` --tail ${lines}` : ""} --follow 2>&1`,
      isTruthy(grep) ? `grep "${grep}"${isTruthy(grepOptions) ? ` ${grepOptions}` : ""}` : undefined,
    ),
    { host: options.host },
  );
}

function containerIdCommand(target: AppTarget, containerId: string | undefined): Command {
  return isTruthy(containerId) ? shell(["echo", String(containerId)]) : currentRunningContainerId(target);
}
