/**
 * @module
 * `dhow server …` (Kamal's `cli/server.rb`): exec, bootstrap.
 */
import { serverBootstrap } from "../../flows/server/bootstrap.js";
import { serverExec } from "../../flows/server/exec.js";
import { interactive, raw } from "../common-options.js";
import { defineCommand, defineGroup } from "../define-command.js";
import { exitOnStatus } from "../interactive-exit-error.js";

export const server = defineGroup({
  name: "server",
  description: "Bootstrap servers with curl and Docker",
  subcommands: [
    defineCommand({
      name: "exec",
      description: "Run a custom command on the server (use --help to show options)",
      args: ["<cmd...>"],
      options: [interactive, raw],
      run: ({ args: [words], options, withContext }) =>
        withContext(async (ctx) =>
          exitOnStatus(await serverExec(ctx, words, { interactive: options.interactive, raw: options.raw })),
        ),
    }),
    defineCommand({
      name: "bootstrap",
      description: "Set up Docker to run Kamal apps",
      run: ({ withContext }) => withContext(serverBootstrap),
    }),
  ],
});
