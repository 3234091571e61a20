/**
 * @module
 * `dhow server …` (Kamal's `cli/server.rb`): exec, bootstrap.
 */
import { interactive, raw } from "../common-options.js";
import { type CommandDef, defineCommand } from "../define-command.js";
import { exitOnStatus } from "../interactive-exit-error.js";

/** The commands of `dhow server`, in Kamal's `--help` order. */
export const SERVER_COMMANDS: readonly CommandDef[] = [
  defineCommand({
    name: "exec",
    description: "Run a custom command on the server (use --help to show options)",
    args: ["<cmd...>"],
    options: [interactive, raw],
    run: async ({ args: [words], options, withContext }) => {
      const { serverExec } = await import("../../flows/server/exec.js");
      await withContext(async (ctx) =>
        exitOnStatus(await serverExec(ctx, words, { interactive: options.interactive, raw: options.raw })),
      );
    },
  }),
  defineCommand({
    name: "bootstrap",
    description: "Set up Docker to run Kamal apps",
    run: async ({ withContext }) => {
      const { serverBootstrap } = await import("../../flows/server/bootstrap.js");
      await withContext(serverBootstrap);
    },
  }),
];
