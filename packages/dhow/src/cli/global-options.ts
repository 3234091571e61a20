/**
 * @module
 * Kamal's class options: accepted on every command and subcommand, with Kamal's names, short flags and defaults.
 */
import { type Command, InvalidArgumentError, Option } from "commander";

/** The parsed global options (Kamal's `class_option`s). */
export interface GlobalOptions {
  readonly verbose?: boolean;
  readonly quiet?: boolean;
  /** The app version to act on (not dhow's version). */
  readonly version?: string;
  readonly primary?: boolean;
  readonly hosts?: string;
  readonly roles?: string;
  readonly configFile: string;
  readonly destination?: string;
  readonly skipHooks: boolean;
  readonly lockWait: boolean;
  readonly lockWaitTimeout: number;
  readonly lockWaitInterval: number;
}

/** Kamal's default config path. */
export const DEFAULT_CONFIG_FILE = "config/deploy.yml";
/** Seconds `--lock-wait` waits for an automatic deploy lock. */
export const DEFAULT_LOCK_WAIT_TIMEOUT = 900;
/** Seconds between lock polls with `--lock-wait`. */
export const DEFAULT_LOCK_WAIT_INTERVAL = 15;

/** Adds the global options to the root command (commander parses them before or after subcommands). */
export function addGlobalOptions(program: Command): Command {
  return program
    .option("-v, --verbose", "Detailed logging")
    .option("-q, --quiet", "Minimal logging")
    .option("--version <version>", "Run commands against a specific app version")
    .option("-p, --primary", "Run commands only on primary host instead of all")
    .option(
      "-h, --hosts <hosts>",
      "Run commands on these hosts instead of all (separate by comma, supports wildcards with *)",
    )
    .option(
      "-r, --roles <roles>",
      "Run commands on these roles instead of all (separate by comma, supports wildcards with *)",
    )
    .option("-c, --config-file <path>", "Path to config file", DEFAULT_CONFIG_FILE)
    .option(
      "-d, --destination <destination>",
      "Specify destination to be used for config file (staging -> deploy.staging.yml)",
    )
    .option("-H, --skip-hooks", "Don't run hooks", false)
    .option("--lock-wait", "Wait for the deploy lock instead of failing (only for automatic deploy locks)", false)
    .addOption(
      new Option("--lock-wait-timeout <seconds>", "Seconds to wait for the deploy lock")
        .default(DEFAULT_LOCK_WAIT_TIMEOUT)
        .argParser(parseNumber),
    )
    .addOption(
      new Option("--lock-wait-interval <seconds>", "Seconds between deploy lock checks")
        .default(DEFAULT_LOCK_WAIT_INTERVAL)
        .argParser(parseNumber),
    );
}

/** Thor's `numeric` type: integers and decimals. */
export function parseNumber(value: string): number {
  const number = Number(value);
  if (value.trim() === "" || !Number.isFinite(number)) {
    throw new InvalidArgumentError(`Expected numeric value, got '${value}'`);
  }
  return number;
}
