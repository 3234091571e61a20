/**
 * @module
 * Kamal's `Commands::Builder` facade: the selected strategy's commands (`push`, `create`, …), its `name`,
 * and the git-clone commands, for one config and one set of machine facts.
 */
import type { Command } from "../command.js";
import type { BuilderStrategy, PushOptions, StrategyInput } from "./base.js";
import { clone, cloneResetSteps, cloneRevision, cloneStatus } from "./clone.js";
import { DEFAULT_DEV_OUTPUT } from "./defaults.js";
import { selectBuilder } from "./select-builder.js";

/** Every builder command Kamal offers, bound to one config and machine. */
export interface BuilderCommands extends BuilderStrategy {
  /** The selected strategy (Kamal's `builder.target`). */
  readonly target: BuilderStrategy;
  /** `git clone` of the repo into the clone dir. */
  clone(): Command;
  /** The commands that reset an existing clone to HEAD. */
  cloneResetSteps(): Command[];
  cloneStatus(): Command;
  cloneRevision(): Command;
  /** `build dev`: builds the working dir tagged `-dirty` into the local image store (output `docker`). */
  dev(options?: Omit<PushOptions, "tagAsDirty">): Command;
}

/**
 * The builder commands for a config on this machine.
 * @example builderCommands({ config, facts }).push({ noCache: true })
 */
export function builderCommands(input: StrategyInput): BuilderCommands {
  const target = selectBuilder(input);
  return {
    ...target,
    target,
    clone: () => clone(input),
    cloneResetSteps: () => cloneResetSteps(input),
    cloneStatus: () => cloneStatus(input),
    cloneRevision: () => cloneRevision(input),
    dev: (options = {}) => target.push({ ...options, output: options.output ?? DEFAULT_DEV_OUTPUT, tagAsDirty: true }),
  };
}
