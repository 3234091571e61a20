// Helpers for declaring pflag-style options on commander commands.
import { type Command, Option } from "commander";

/** Add a boolean flag that also accepts `--name=false` (rewritten to a hidden `--no-name`) with its default. */
export function addBoolean(cmd: Command, name: string, description: string, defaultValue: boolean): void {
  cmd.addOption(new Option(`--${name}`, description).default(defaultValue));
  cmd.addOption(new Option(`--no-${name}`).hideHelp());
}

/** True when the user gave the flag (pflag's Changed), as opposed to its default or env. */
export function changed(cmd: Command, key: string): boolean {
  return cmd.getOptionValueSource(key) === "cli";
}

/** The long names of a command's boolean options (for normalizing `--flag=value`). */
export function booleanFlagNames(cmd: Command): Set<string> {
  const names = new Set<string>();
  for (const option of cmd.options) {
    if (!option.required && !option.optional && !option.negate && option.long) names.add(option.long.slice(2));
  }
  return names;
}
