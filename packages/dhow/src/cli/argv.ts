/**
 * @module
 * The command line before commander sees it: Thor's underscore spellings of options, config aliases
 * (`dhow console` → `dhow app exec -i --reuse "bin/rails console"`), and which command group it names.
 */
import { COMMAND_GROUPS, loadCommandTree, MAIN_COMMANDS } from "./command-tree.js";
import type { CommandDef } from "./define-command.js";
import { DEFAULT_CONFIG_FILE, GLOBAL_OPTIONS } from "./global-options.js";
import type { CliIo } from "./io.js";

/** Thor accepts `--skip_push` as well as `--skip-push`: rewrite known long options to the dashed form. */
export async function normalizeArgs(args: readonly string[]): Promise<string[]> {
  if (!args.some((arg) => /^--[a-z0-9-]*_/.test(arg))) return [...args];
  const tree = await loadCommandTree();
  const known = longOptionNames([...tree, { name: "", description: "", options: GLOBAL_OPTIONS }]);
  return args.map((arg) => {
    const match = /^--([a-z0-9_]+)(=.*)?$/s.exec(arg);
    if (!match?.[1]?.includes("_")) return arg;
    const dashed = match[1].replaceAll("_", "-");
    const bare = dashed.startsWith("no-") ? dashed.slice(3) : dashed;
    return known.has(dashed) || known.has(bare) ? `--${dashed}${match[2] ?? ""}` : arg;
  });
}

/** `dhow <alias> …` → the alias's argv plus the rest; undefined when the first word is a command. */
export async function expandAlias(args: readonly string[], io: CliIo): Promise<string[] | undefined> {
  const index = firstCommandIndex(args);
  if (index === -1) return undefined;
  const word = args[index]!;
  if (word === "help" || isCommand(word)) return undefined;
  // Only a word that is no command reads the config (and loads the config code) for its aliases.
  const { readAliases } = await import("../flows/local/aliases.js");
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

/** Which group's commands to load for `args`: the first word's, or the one `help` asks about. */
export function namedGroup(args: readonly string[]): (name: string) => boolean {
  const index = firstCommandIndex(args);
  const word = index === -1 ? undefined : args[index] === "help" ? args[index + 1] : args[index];
  return (name) => name === word;
}

function isCommand(word: string): boolean {
  return [...MAIN_COMMANDS, ...COMMAND_GROUPS].some((command) => command.name === word);
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

/** Every long option name of `defs` (for `--skip_push` → `--skip-push`). */
function longOptionNames(defs: readonly CommandDef[]): Set<string> {
  const names = new Set<string>();
  const visit = (list: readonly CommandDef[]): void => {
    for (const def of list) {
      for (const option of def.options ?? []) {
        const long = /--([a-z0-9-]+)/.exec(option.flags)?.[1];
        if (long) names.add(long);
      }
      visit(def.subcommands ?? []);
    }
  };
  visit(defs);
  return names;
}
