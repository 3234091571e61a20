/**
 * @module
 * The runtime of the CLI's handlers: builds the DeployContext from the global options (config, selection,
 * SSH executor, logger at -q/-v, live progress in a terminal), runs the flow, and always closes the
 * connections; asks confirmation questions on stdin.
 */
import { withContext } from "../flows/runtime/create-context.js";
import { Interruption } from "../flows/runtime/interruption.js";
import { withLiveProgress } from "../flows/runtime/progress.js";
import { createLogger } from "../output/logger.js";
import type { CommandRuntime } from "./define-command.js";
import { wireInterrupts } from "./interrupt-signals.js";
import { askYesNo } from "./yes-no-prompt.js";

/** The real runtime: SSH, the process's signals, stdin. */
export const CLI_RUNTIME: CommandRuntime = {
  withContext: async (run, flow) => {
    const { globals, io, path } = run;
    const [name, subcommand] = path.split(" ");
    const logger = createLogger({
      stdout: io.stdout,
      stderr: io.stderr,
      verbosity: globals.verbose ? "verbose" : globals.quiet ? "quiet" : "normal",
      color: io.isTTY && !io.env["NO_COLOR"],
    });
    const interruption = new Interruption();
    const unwire = wireInterrupts(interruption, logger);
    try {
      return await withContext(
        {
          interruption,
          command: name ?? path,
          subcommand,
          skipHooks: globals.skipHooks,
          lockWait: globals.lockWait,
          lockWaitTimeout: globals.lockWaitTimeout,
          lockWaitInterval: globals.lockWaitInterval,
          version: globals.version,
          cwd: io.cwd,
          env: globals.verbose ? { ...io.env, VERBOSE: "1" } : io.env,
          logger,
          configFile: globals.configFile,
          destination: globals.destination,
          hosts: globals.hosts,
          roles: globals.roles,
          primary: globals.primary,
        },
        async (ctx) => {
          const progress = withLiveProgress(ctx, { live: io.isTTY, columns: terminalColumns(io.env) });
          try {
            return await flow(progress.ctx);
          } finally {
            progress.stop();
          }
        },
      );
    } finally {
      unwire();
    }
  },
  confirm: (run) => (question) => askYesNo(question, { input: process.stdin, write: run.io.stdout }),
};

function terminalColumns(env: NodeJS.ProcessEnv): number {
  const columns = Number(env["COLUMNS"]);
  return Number.isFinite(columns) && columns > 20 ? columns : 100;
}
