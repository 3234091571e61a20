/**
 * @module
 * Kamal's class options: accepted on every command and subcommand, with Kamal's names, short flags and
 * defaults. Their type is inferred from the spec, like every command's own options.
 */
import type { OptionSpec, OptionValues } from "./define-command.js";

/** Kamal's default config path. */
export const DEFAULT_CONFIG_FILE = "config/deploy.yml";
/** Seconds `--lock-wait` waits for an automatic deploy lock. */
export const DEFAULT_LOCK_WAIT_TIMEOUT = 900;
/** Seconds between lock polls with `--lock-wait`. */
export const DEFAULT_LOCK_WAIT_INTERVAL = 15;

/** The global options, in the order `--help` lists them. */
export const GLOBAL_OPTIONS = [
  { flags: "-v, --verbose", description: "Detailed logging" },
  { flags: "-q, --quiet", description: "Minimal logging" },
  // The app version to act on (not dhow's version).
  { flags: "--version <version>", description: "Run commands against a specific app version" },
  { flags: "-p, --primary", description: "Run commands only on primary host instead of all" },
  {
    flags: "-h, --hosts <hosts>",
    description: "Run commands on these hosts instead of all (separate by comma, supports wildcards with *)",
  },
  {
    flags: "-r, --roles <roles>",
    description: "Run commands on these roles instead of all (separate by comma, supports wildcards with *)",
  },
  { flags: "-c, --config-file <path>", description: "Path to config file", default: DEFAULT_CONFIG_FILE },
  {
    flags: "-d, --destination <destination>",
    description: "Specify destination to be used for config file (staging -> deploy.staging.yml)",
  },
  { flags: "-H, --skip-hooks", description: "Don't run hooks", default: false },
  {
    flags: "--lock-wait",
    description: "Wait for the deploy lock instead of failing (only for automatic deploy locks)",
    default: false,
  },
  {
    flags: "--lock-wait-timeout <seconds>",
    description: "Seconds to wait for the deploy lock",
    default: DEFAULT_LOCK_WAIT_TIMEOUT,
    type: "numeric",
  },
  {
    flags: "--lock-wait-interval <seconds>",
    description: "Seconds between deploy lock checks",
    default: DEFAULT_LOCK_WAIT_INTERVAL,
    type: "numeric",
  },
  // dhow only.
  {
    flags: "--dry-run",
    description: "Print what would run on each host (after reading the hosts' state) and change nothing",
    default: false,
  },
  {
    flags: "--offline",
    description: "With --dry-run: plan from the config alone, without connecting to any host",
    default: false,
  },
] as const satisfies readonly OptionSpec[];

/** The parsed global options (Kamal's `class_option`s). */
export type GlobalOptions = OptionValues<typeof GLOBAL_OPTIONS>;
