/**
 * @module
 * Options that several Kamal commands share (`-y`, `--rolling`, the `logs` options…), written once.
 */
import type { OptionSpec } from "./define-command.js";

export const logsOptions = [
  {
    flags: "-s, --since <since>",
    description: "Show lines since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)",
  },
  { flags: "-n, --lines <lines>", description: "Number of lines to show from each server", type: "numeric" },
  {
    flags: "-g, --grep <grep>",
    description: "Show lines with grep match only (use this to fetch specific requests by id)",
  },
  { flags: "--grep-options <options>", description: "Additional options supplied to grep" },
  { flags: "-f, --follow", description: "Follow log on primary server (or specific host set by --hosts)" },
  { flags: "-T, --skip-timestamps", description: "Skip appending timestamps to logging output" },
] as const satisfies readonly OptionSpec[];

export const skipPush = {
  flags: "-P, --skip-push",
  description: "Skip image build and push",
  default: false,
} as const satisfies OptionSpec;

/** commander gives `--no-cache` as `cache: false`. */
export const noCache = {
  flags: "--no-cache",
  description: "Build without using Docker's build cache",
} as const satisfies OptionSpec;

export const confirmed = {
  flags: "-y, --confirmed",
  description: "Proceed without confirmation question",
  default: false,
} as const satisfies OptionSpec;

export const rolling = {
  flags: "--rolling",
  description: "Reboot proxy on hosts in sequence, rather than in parallel",
  default: false,
} as const satisfies OptionSpec;

/** `--rolling` as `upgrade` and `accessory upgrade` describe it. */
export const rollingUpgrade = { ...rolling, description: "Upgrade one host at a time" } as const satisfies OptionSpec;

export const interactive = {
  flags: "-i, --interactive",
  description: "Execute command over ssh for an interactive shell (use for console/bash)",
  default: false,
} as const satisfies OptionSpec;

export const reuse = {
  flags: "--reuse",
  description: "Reuse currently running container instead of starting a new one",
  default: false,
} as const satisfies OptionSpec;

export const raw = {
  flags: "--raw",
  description: "Write the command's stdout byte-exact (no host headers)",
  default: false,
} as const satisfies OptionSpec;

export const registryScope = [
  { flags: "-L, --skip-local", description: "Skip local login", default: false },
  { flags: "-R, --skip-remote", description: "Skip remote login", default: false },
] as const satisfies readonly OptionSpec[];

/** The `logs` options as the logs flows take them. */
export function logsSettings(options: {
  readonly since?: string;
  readonly lines?: number;
  readonly grep?: string;
  readonly grepOptions?: string;
  readonly follow?: boolean;
  readonly skipTimestamps?: boolean;
}) {
  return {
    since: options.since,
    lines: options.lines,
    grep: options.grep,
    grepOptions: options.grepOptions,
    follow: options.follow === true,
    skipTimestamps: options.skipTimestamps === true,
  };
}
