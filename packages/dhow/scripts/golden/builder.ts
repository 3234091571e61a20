/**
 * @module
 * Golden dispatch for group `builder` (Kamal's `Commands::Builder`): builds the facade from the case's
 * config and stubs, then maps Kamal's method names (`push`, `target.build_options`, `clone_reset_steps`, …)
 * to dhow's builder commands.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { BuildFacts } from "../../src/config/sections/builder.js";
import type { BuilderCommandConfig, BuilderStrategy } from "../../src/commands/builder/base.js";
import { type BuilderCommands, builderCommands } from "../../src/commands/builder/builder-commands.js";
import {
  type GoldenCall,
  type GoldenConstructContext,
  type GoldenGroup,
  type GoldenStubs,
  UnknownGoldenMethodError,
} from "./types.js";

/** Values for stubs a case does not list (its output does not depend on them). */
export const DEFAULT_GOLDEN_BUILD_FACTS = {
  dockerArch: "amd64",
  gitUsed: false,
  gitRevision: "0123456789abcdef0123456789abcdef01234567",
  tmpdir: "/tmp",
} as const;

/** The `builder` group. */
export const builderGroup: GoldenGroup<BuilderCommands> = {
  construct({ config, stubs, cwd }: GoldenConstructContext): BuilderCommands {
    const commandConfig: BuilderCommandConfig = config;
    return builderCommands({ config: commandConfig, facts: goldenBuildFacts(commandConfig, stubs, cwd) });
  },
  call(instance: BuilderCommands, call: GoldenCall): unknown {
    const dot = call.method.indexOf(".");
    if (dot >= 0) {
      const receiver = call.method.slice(0, dot);
      if (receiver !== "target") throw new UnknownGoldenMethodError("builder", call.method);
      return callMethod(instance.target, call.method.slice(dot + 1), call, call.method);
    }
    switch (call.method) {
      case "clone":
        return instance.clone();
      case "clone_reset_steps":
        return instance.cloneResetSteps();
      case "clone_status":
        return instance.cloneStatus();
      case "clone_revision":
        return instance.cloneRevision();
      case "dev":
        return instance.dev(pushOptions(call));
      default:
        return callMethod(instance, call.method, call, call.method);
    }
  },
};

/** The machine facts of one case: its stubs, the defaults, and the files in its working directory. */
export function goldenBuildFacts(config: BuilderCommandConfig, stubs: GoldenStubs, cwd: string): BuildFacts {
  return {
    dockerArch: stubs.docker_arch ?? DEFAULT_GOLDEN_BUILD_FACTS.dockerArch,
    gitUsed: stubs.git_used ?? DEFAULT_GOLDEN_BUILD_FACTS.gitUsed,
    gitRoot: stubs.git_root ?? cwd,
    gitRevision: stubs.git_revision ?? DEFAULT_GOLDEN_BUILD_FACTS.gitRevision,
    pwd: stubs.pwd ?? cwd,
    tmpdir: stubs.tmpdir ?? DEFAULT_GOLDEN_BUILD_FACTS.tmpdir,
    dockerfileExists: existsSync(resolve(cwd, config.builder.dockerfile)),
  };
}

/** Methods every strategy (and the facade) has, by Kamal name. */
function callMethod(strategy: BuilderStrategy, method: string, call: GoldenCall, fullName: string): unknown {
  switch (method) {
    case "name":
      return strategy.name;
    case "push":
      return strategy.push(pushOptions(call));
    case "create":
      return strategy.create();
    case "remove":
      return strategy.remove();
    case "clean":
      return strategy.clean();
    case "pull":
      return strategy.pull();
    case "info":
      return strategy.info();
    case "inspect_builder":
      return strategy.inspectBuilder();
    case "build_options":
      return strategy.buildOptions();
    case "build_context":
      return strategy.buildContext;
    case "validate_image":
      return strategy.validateImage();
    case "first_mirror":
      return strategy.firstMirror();
    case "login_to_registry_locally?":
      return strategy.loginToRegistryLocally;
    case "push_env":
      return strategy.pushEnv;
    default:
      throw new UnknownGoldenMethodError("builder", fullName);
  }
}

/** Kamal's `push(export_action = "registry", tag_as_dirty:, no_cache:)` arguments. */
function pushOptions(call: GoldenCall) {
  const output = call.positional[0];
  const { no_cache: noCache, tag_as_dirty: tagAsDirty } = call.args;
  return {
    ...(typeof output === "string" ? { output } : {}),
    ...(typeof noCache === "boolean" ? { noCache } : {}),
    ...(typeof tagAsDirty === "boolean" ? { tagAsDirty } : {}),
  };
}
