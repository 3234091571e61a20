/**
 * @module
 * Local hook scripts and their environment. Kamal's `Commands::Hook`.
 */
import type { Config } from "../config/config.js";
import type { Command } from "./command.js";
import type { Facts } from "./facts.js";
import { tagsFromConfig, tagsToEnv } from "./tags.js";

/** `[<hooks_path>/<hook>]`: the hook script to run locally. */
export function run(config: Config, hook: string): Command {
  return [hookFile(config, hook)];
}

export interface HookEnvOptions {
  /** Also export every loaded secret (pre-connect, pre-deploy and post-deploy hooks). */
  readonly secrets?: boolean;
  /** Extra details (hosts, roles, command, subcommand, lock, runtime…), exported as `KAMAL_<NAME>`. */
  readonly details?: Readonly<Record<string, unknown>>;
  readonly facts: Pick<Facts, "now" | "performer">;
}

/** The hook's environment: `KAMAL_RECORDED_AT`, `KAMAL_PERFORMER`, …, plus secrets when asked. */
export function env(config: Config, options: HookEnvOptions): Record<string, string> {
  const values = tagsToEnv(tagsFromConfig(config, options.facts, options.details ?? {}));
  return options.secrets ? { ...values, ...config.secrets.toRecord() } : values;
}

/** `<hooks_path>/<hook>` */
export function hookFile(config: Config, hook: string): string {
  return `${config.hooksPath.replace(/\/+$/, "")}/${hook}`;
}
