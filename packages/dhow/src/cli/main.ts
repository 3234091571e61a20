/**
 * @module
 * The CLI entry: parses argv, expands config aliases, runs one handler, and turns every failure into
 * Kamal's `  ERROR (<Class>): <message>` line and an exit code. The only place that decides exit codes.
 */
import { Command, CommanderError } from "commander";
import pc from "picocolors";
import { EXIT_CODES, exitCodeOf } from "../errors.js";
import { readAliases } from "../flows/local/aliases.js";
import { COMMAND_TREE } from "./command-tree.js";
import { addCommands, type CommandRuntime, longOptionNames } from "./define-command.js";
import { addGlobalOptions, DEFAULT_CONFIG_FILE, GLOBAL_OPTIONS } from "./global-options.js";
import { type CliIo, processIo } from "./io.js";

/** Runs the CLI and resolves with the exit code (the bin sets process.exitCode to it). */
export async function main(
  argv: readonly string[],
  io: CliIo = processIo(),
  runtime: () => Promise<CommandRuntime> = cliRuntime,
): Promise<number> {
  const color = io.isTTY && !io.env["NO_COLOR"];
  try {
    let args = normalizeArgs(argv.slice(2));
    const aliased = expandAlias(args, io);
    if (aliased) args = aliased;
    const program = createProgram(io, runtime);
    if (args.length === 0) {
      io.stdout(program.helpInformation());
      return 0;
    }
    await program.parseAsync(args, { from: "user" });
    return 0;
  } catch (error) {
    return reportError(error, io, color);
  }
}

/** The root command with the whole tree (a fresh one per run: commander keeps parse state). */
export function createProgram(io: CliIo, runtime: () => Promise<CommandRuntime> = cliRuntime): Command {
  const program = new Command("dhow")
    .description("Deploy web apps anywhere with Docker over SSH: a drop-in for Kamal 2.12")
    .helpOption("--help", "Show help")
    .helpCommand("help [command]", "Describe available commands or one specific command")
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride()
    .showSuggestionAfterError(true);
  addGlobalOptions(program);
  addCommands(program, COMMAND_TREE, io, runtime);
  return program;
}

/** The real runtime (SSH, signals, stdin), loaded when a command first needs it. */
async function cliRuntime(): Promise<CommandRuntime> {
  return (await import("./context.js")).CLI_RUNTIME;
}

/** Thor accepts `--skip_push` as well as `--skip-push`: rewrite known long options to the dashed form. */
export function normalizeArgs(args: readonly string[]): string[] {
  const known = longOptionNames([...COMMAND_TREE, { name: "", description: "", options: GLOBAL_OPTIONS }]);
  return args.map((arg) => {
    const match = /^--([a-z0-9_]+)(=.*)?$/s.exec(arg);
    if (!match?.[1]?.includes("_")) return arg;
    const dashed = match[1].replaceAll("_", "-");
    const bare = dashed.startsWith("no-") ? dashed.slice(3) : dashed;
    return known.has(dashed) || known.has(bare) ? `--${dashed}${match[2] ?? ""}` : arg;
  });
}

/** `dhow <alias> …` → the alias's argv plus the rest; undefined when the first word is a command. */
function expandAlias(args: readonly string[], io: CliIo): string[] | undefined {
  const index = firstCommandIndex(args);
  if (index === -1) return undefined;
  const word = args[index]!;
  if (word === "help" || COMMAND_TREE.some((spec) => spec.name === word)) return undefined;
  const aliases = readAliases({
    cwd: io.cwd,
    env: io.env,
    configFile: optionValue(args, ["-c", "--config-file"]) ?? DEFAULT_CONFIG_FILE,
    destination: optionValue(args, ["-d", "--destination"]),
  });
  const expansion = aliases?.[word];
  if (!expansion) return undefined;
  return [...args.slice(0, index), ...expansion, ...args.slice(index + 1)];
}

/** `-c`, `--config-file`…: the global flags that take a value (the next word is not a command). */
const GLOBAL_FLAGS_WITH_VALUES = new Set(
  GLOBAL_OPTIONS.filter((option) => option.flags.includes("<")).flatMap((option) =>
    option.flags.split(/[ ,]+/).filter((word) => word.startsWith("-")),
  ),
);

function firstCommandIndex(args: readonly string[]): number {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith("-")) return i;
    if (GLOBAL_FLAGS_WITH_VALUES.has(arg)) i++;
  }
  return -1;
}

function optionValue(args: readonly string[], names: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (names.includes(arg)) return args[i + 1];
    const long = names.find((name) => name.startsWith("--") && arg.startsWith(`${name}=`));
    if (long) return arg.slice(long.length + 1);
  }
  return undefined;
}

function reportError(error: unknown, io: CliIo, color: boolean): number {
  if (error instanceof CommanderError) {
    // commander already printed its message (or the help) through configureOutput.
    if (error.code === "commander.helpDisplayed" || error.code === "commander.help" || error.exitCode === 0) return 0;
    return EXIT_CODES.usage;
  }
  const name = error instanceof Error ? error.name : "Error";
  const message = error instanceof Error ? error.message : String(error);
  const line = `  ERROR (${name}): ${message}`;
  io.stderr(`${color ? pc.red(line) : line}\n`);
  if (io.env["VERBOSE"] && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
  return exitCodeOf(error);
}
