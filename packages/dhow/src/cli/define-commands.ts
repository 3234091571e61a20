/**
 * @module
 * Builds the commander tree from `COMMAND_TREE` and dispatches each leaf to its handler.
 */
import { type Command, InvalidArgumentError, Option } from "commander";
import type { CommandSpec, OptionSpec } from "./command-spec.js";
import type { GlobalOptions } from "./global-options.js";
import { parseNumber } from "./global-options.js";
import type { CliIo } from "./io.js";

/** What a command handler receives. */
export interface HandlerContext {
  /** e.g. `app exec` */
  readonly path: string;
  /** Positional arguments in order; a variadic one arrives as an array. */
  readonly args: readonly (string | readonly string[] | undefined)[];
  /** This command's own options (camelCase, as commander names them). */
  readonly options: Readonly<Record<string, unknown>>;
  readonly globals: GlobalOptions;
  readonly io: CliIo;
}

/** A command's implementation. */
export type Handler = (context: HandlerContext) => void | Promise<void>;

/** Adds every command of `specs` under `parent`; leaves run `handlers[path]`. */
export function defineCommands(
  parent: Command,
  specs: readonly CommandSpec[],
  handlers: Readonly<Record<string, Handler>>,
  io: CliIo,
  prefix = "",
): void {
  for (const spec of specs) {
    const path = prefix ? `${prefix} ${spec.name}` : spec.name;
    // parent.command() (not new Command) so help, output and exit settings are inherited.
    const command = parent.command(spec.name, spec.hidden ? { hidden: true } : {}).description(spec.description);
    if (spec.name.includes("_")) command.alias(spec.name.replaceAll("_", "-"));
    for (const alias of spec.aliases ?? []) command.alias(alias);
    for (const arg of spec.args ?? []) command.argument(arg);
    for (const option of spec.options ?? []) command.addOption(toOption(option));

    if (spec.subcommands) {
      defineCommands(command, spec.subcommands, handlers, io, path);
      continue;
    }
    command.action(async (...received: unknown[]) => {
      const self = received.at(-1) as Command;
      const handler = handlers[path];
      // A programming error: main.test.ts checks that every leaf of the tree has a handler.
      if (!handler) throw new Error(`dhow ${path} has no handler`);
      await handler({
        path,
        args: received.slice(0, (spec.args ?? []).length) as HandlerContext["args"],
        options: self.opts(),
        globals: self.optsWithGlobals() as unknown as GlobalOptions,
        io,
      });
    });
  }
}

/** Every long option name in the tree (for `--skip_push` → `--skip-push` normalisation). */
export function longOptionNames(specs: readonly CommandSpec[]): Set<string> {
  const names = new Set<string>();
  const visit = (list: readonly CommandSpec[]): void => {
    for (const spec of list) {
      for (const option of spec.options ?? []) {
        const long = /--([a-z0-9-]+)/.exec(option.flags)?.[1];
        if (long) names.add(long);
      }
      visit(spec.subcommands ?? []);
    }
  };
  visit(specs);
  return names;
}

function toOption(spec: OptionSpec): Option {
  const option = new Option(spec.flags, spec.description);
  if (spec.default !== undefined) option.default(spec.default);
  if (spec.hidden) option.hideHelp();
  if (spec.required) option.makeOptionMandatory();
  if (spec.type === "numeric") option.argParser(parseNumber);
  if (spec.type === "hash") option.argParser(collectPair);
  return option;
}

/** Thor's `hash` type: `-e KEY:value` pairs, repeatable. */
function collectPair(value: string, previous: unknown): Record<string, string> {
  const index = value.indexOf(":");
  if (index <= 0) throw new InvalidArgumentError(`Expected key:value, got '${value}'`);
  const pairs = previous && typeof previous === "object" && !Array.isArray(previous) ? previous : {};
  return { ...(pairs as Record<string, string>), [value.slice(0, index)]: value.slice(index + 1) };
}
