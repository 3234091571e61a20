/**
 * @module
 * The command tree as commander commands: the root with the global options, each command's arguments and
 * options parsed as its spec says (numbers, `key:value` pairs, variadic words), each leaf running its handler.
 * Loaded only when a command line needs parsing (`dhow version` alone does not).
 */
import { Command, InvalidArgumentError, Option } from "./commander.js";
import type { CommandDef, CommandRun, CommandRuntime, OptionSpec } from "./define-command.js";
import { GLOBAL_OPTIONS, type GlobalOptions } from "./global-options.js";
import type { CliIo } from "./io.js";

/** The root command with the global options and `tree` (a fresh one per run: commander keeps parse state). */
export function createProgram(tree: readonly CommandDef[], io: CliIo, runtime: () => Promise<CommandRuntime>): Command {
  const program = new Command("dhow")
    .description("Deploy web apps anywhere with Docker over SSH: a drop-in for Kamal 2.12")
    .helpOption("--help", "Show help")
    .helpCommand("help [command]", "Describe available commands or one specific command")
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride()
    .showSuggestionAfterError(true);
  for (const option of GLOBAL_OPTIONS) program.addOption(toOption(option));
  addCommands(program, tree, io, runtime);
  return program;
}

/** Adds `defs` under `parent` (recursively); each leaf runs its handler with the runtime's services. */
function addCommands(
  parent: Command,
  defs: readonly CommandDef[],
  io: CliIo,
  runtime: () => Promise<CommandRuntime>,
  prefix = "",
): void {
  for (const def of defs) {
    const path = prefix ? `${prefix} ${def.name}` : def.name;
    // parent.command() (not new Command) so help, output and exit settings are inherited.
    const command = parent.command(def.name, def.hidden ? { hidden: true } : {}).description(def.description);
    if (def.name.includes("_")) command.alias(def.name.replaceAll("_", "-"));
    for (const alias of def.aliases ?? []) command.alias(alias);
    for (const arg of def.args ?? []) command.argument(arg);
    for (const option of def.options ?? []) command.addOption(toOption(option));
    if (def.subcommands) {
      addCommands(command, def.subcommands, io, runtime, path);
      continue;
    }
    const run = def.run;
    if (!run) throw new Error(`dhow ${path} has neither subcommands nor a handler`);
    command.action(async (...received: unknown[]) => {
      const self = received.at(-1) as Command;
      const globals = self.optsWithGlobals() as GlobalOptions;
      const current: CommandRun = { path, globals, io };
      await run({
        path,
        args: received.slice(0, (def.args ?? []).length),
        options: self.opts(),
        globals,
        io,
        withContext: async (flow) => (await runtime()).withContext(current, flow),
        confirm: async (question) => (await runtime()).confirm(current)(question),
      });
    });
  }
}

/** The commander option of a spec. */
function toOption(spec: OptionSpec): Option {
  const option = new Option(spec.flags, spec.description);
  if (spec.default !== undefined) option.default(spec.default);
  if (spec.hidden) option.hideHelp();
  if (spec.required) option.makeOptionMandatory();
  if (spec.type === "numeric") option.argParser(parseNumber);
  if (spec.type === "hash") option.argParser(collectPair);
  return option;
}

/** Thor's `numeric` type: integers and decimals. */
function parseNumber(value: string): number {
  const number = Number(value);
  if (value.trim() === "" || !Number.isFinite(number)) {
    throw new InvalidArgumentError(`Expected numeric value, got '${value}'`);
  }
  return number;
}

/** Thor's `hash` type: `-e KEY:value` pairs, repeatable. */
function collectPair(value: string, previous: unknown): Record<string, string> {
  const index = value.indexOf(":");
  if (index <= 0) throw new InvalidArgumentError(`Expected key:value, got '${value}'`);
  const pairs = previous && typeof previous === "object" && !Array.isArray(previous) ? previous : {};
  return { ...(pairs as Record<string, string>), [value.slice(0, index)]: value.slice(index + 1) };
}
