/**
 * defineCommand types a handler's options by the rule commander names them (define-command.ts `OptionName`,
 * checked at compile time on examples): the long flag in camelCase, `--no-x` as `x`. This checks that commander
 * names every option of the tree, and every global option, by that rule
 * (commands/commands.test.ts checks parsed values reaching the flows: numbers, key:value pairs, words).
 */
import { describe, expect, it } from "vitest";
import { loadCommandTree } from "./command-tree.js";
import { Option } from "./commander.js";
import type { CommandDef, OptionSpec } from "./define-command.js";
import { GLOBAL_OPTIONS } from "./global-options.js";

/** The rule of `OptionName`, in JavaScript. */
function optionName(flags: string): string {
  const long = /--([a-z0-9-]+)/.exec(flags)?.[1] ?? "";
  return long.replace(/^no-/, "").replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

function allOptions(defs: readonly CommandDef[]): OptionSpec[] {
  return defs.flatMap((def) => [...(def.options ?? []), ...allOptions(def.subcommands ?? [])]);
}

describe("defineCommand's option names", () => {
  it("are commander's for every option of the tree", async () => {
    const options = [...GLOBAL_OPTIONS, ...allOptions(await loadCommandTree())];
    expect(options.length).toBeGreaterThan(60);
    const mismatches = options
      .map((option) => [option.flags, new Option(option.flags, "").attributeName(), optionName(option.flags)])
      .filter(([, commander, rule]) => commander !== rule);
    expect(mismatches).toEqual([]);
  });
});
