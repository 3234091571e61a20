// The CLI entry: kamal-proxy's commands and flags on commander, `Error: <message>` on stderr and exit 1 on failure.
import { Command, CommanderError } from "commander";
import { VERSION } from "../version.js";
import { registerDeploy } from "./commands/deploy.js";
import { registerList } from "./commands/list.js";
import { booleanFlagNames } from "./commands/options.js";
import { registerRollout } from "./commands/rollout.js";
import { registerRun } from "./commands/run.js";
import { registerServiceCommands } from "./commands/service-commands.js";
import { registerVersion } from "./commands/version.js";
import { type CliIo, createContext } from "./context.js";
import { normalizeBooleanFlags } from "./pflag.js";

/** The process-backed io. */
export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  stdoutIsTTY: process.stdout.isTTY === true,
};

/** Run the CLI with `argv` (as process.argv: node, script, args...) and return the exit status. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const program = buildProgram(io);
  const args = argv.slice(2);
  try {
    const normalized = normalizeBooleanFlags(args, booleanFlagNames(findCommand(program, args)));
    await program.parseAsync(normalized, { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0;
      io.stderr(`Error: ${cobraMessage(error)}\n`);
      return 1;
    }
    io.stderr(`Error: ${(error as Error).message}\n`);
    return 1;
  }
}

/** Build the command tree; exported for tests and help generation. */
export function buildProgram(io: CliIo): Command {
  const ctx = createContext(io);
  const program = new Command("kamal-proxy")
    .description("HTTP proxy for zero downtime deployments (dhow-proxy, kamal-proxy compatible)")
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout(text), writeErr: () => {}, outputError: () => {} })
    .showHelpAfterError(false)
    .allowExcessArguments(false);
  program.configureHelp({ sortSubcommands: false });
  registerRun(program, ctx);
  registerDeploy(program, ctx);
  registerServiceCommands(program, ctx);
  registerList(program, ctx);
  registerRollout(program, ctx);
  registerVersion(program, ctx);
  for (const command of allCommands(program)) {
    command.exitOverride();
    command.configureOutput({ writeOut: (text) => io.stdout(text), writeErr: () => {}, outputError: () => {} });
    command.allowExcessArguments(false);
  }
  program.version(VERSION, "--version", "Print the version");
  return program;
}

function allCommands(command: Command): Command[] {
  return command.commands.flatMap((child) => [child, ...allCommands(child)]);
}

/** The (sub)command the leading words of `args` select, for knowing its boolean flags. */
function findCommand(program: Command, args: readonly string[]): Command {
  let current = program;
  for (const arg of args) {
    if (arg.startsWith("-")) continue;
    const next = current.commands.find((c) => c.name() === arg || c.aliases().includes(arg));
    if (!next) break;
    current = next;
  }
  return current;
}

/** Word commander's errors the way cobra/pflag would. */
function cobraMessage(error: CommanderError): string {
  const message = error.message.replace(/^error: /, "");
  switch (error.code) {
    case "commander.unknownOption": {
      const match = /'([^']+)'/.exec(message);
      return match ? `unknown flag: ${match[1]!.split("=")[0]}` : message;
    }
    case "commander.missingArgument":
      return "accepts 1 arg(s), received 0";
    case "commander.excessArguments": {
      const match = /Expected (\d+) arguments? but got (\d+)/.exec(message);
      return match ? `accepts ${match[1]} arg(s), received ${match[2]}` : message;
    }
    case "commander.unknownCommand": {
      const match = /'([^']+)'/.exec(message);
      return match ? `unknown command "${match[1]}" for "kamal-proxy"` : message;
    }
    case "commander.optionMissingArgument": {
      const match = /'(--[a-z0-9-]+)/.exec(message);
      return match ? `flag needs an argument: ${match[1]}` : message;
    }
    default:
      return message;
  }
}
