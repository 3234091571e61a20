/**
 * @module
 * Turns a flow into a CLI handler: builds the DeployContext from the global options (config, selection,
 * SSH executor, logger at -q/-v), runs the flow, and always closes the connections.
 */
import { withContext } from "../flows/create-context.js";
import { Interruption } from "../flows/interruption.js";
import type { DeployContext } from "../flows/context.js";
import { createLogger } from "../output/logger.js";
import type { Handler, HandlerContext } from "./define-commands.js";
import { wireInterrupts } from "./interrupt-signals.js";

/** A flow as the CLI calls it: the context plus the command's own arguments and options. */
export type FlowRunner = (ctx: DeployContext, command: HandlerContext) => Promise<void>;

/** A handler that runs `flow` inside a fresh context. */
export function withFlow(flow: FlowRunner): Handler {
  return async (command) => {
    const { globals, io, path } = command;
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
      await withContext(
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
        (ctx) => flow(ctx, command),
      );
    } finally {
      unwire();
    }
  };
}
