/**
 * @module
 * `dhow secrets …` (Kamal's `cli/secrets.rb`): fetch, extract, print. They need no server.
 */
import { type CommandDef, defineCommand } from "../define-command.js";

/** The commands of `dhow secrets`, in Kamal's `--help` order. */
export const SECRETS_COMMANDS: readonly CommandDef[] = [
  defineCommand({
    name: "fetch",
    description: "Fetch secrets from a vault",
    args: ["[secrets...]"],
    options: [
      { flags: "-a, --adapter <adapter>", description: "Which vault adapter to use", required: true },
      { flags: "--account <account>", description: "The account identifier or username" },
      { flags: "--from <from>", description: "A vault or folder to fetch the secrets from" },
      { flags: "--inline", description: "Output the secrets as a shell-escaped value", hidden: true },
    ],
    run: async ({ args: [names], options, io }) => {
      const { secretsFetchCommand } = await import("../../flows/local/secrets.js");
      io.stdout(
        secretsFetchCommand({
          env: io.env,
          cwd: io.cwd,
          adapter: options.adapter,
          secrets: names,
          inline: options.inline === true,
          ...(options.account !== undefined ? { account: options.account } : {}),
          ...(options.from !== undefined ? { from: options.from } : {}),
        }),
      );
    },
  }),
  defineCommand({
    name: "extract",
    description: "Extract a single secret from the results of a fetch call",
    args: ["<name>", "<secrets>"],
    options: [{ flags: "--inline", description: "Output the secret as a shell-escaped value", hidden: true }],
    run: async ({ args: [name, fetched], options, io }) => {
      const { secretsExtractCommand } = await import("../../flows/local/secrets.js");
      io.stdout(secretsExtractCommand({ name, secrets: fetched, inline: options.inline === true }));
    },
  }),
  defineCommand({
    name: "print",
    description: "Print the secrets (for debugging)",
    run: async ({ globals, io }) => {
      const { secretsPrintCommand } = await import("../../flows/local/secrets.js");
      io.stdout(
        secretsPrintCommand({
          cwd: io.cwd,
          env: io.env,
          configFile: globals.configFile,
          destination: globals.destination,
        }),
      );
    },
  }),
];
