/**
 * @module
 * Builds the DeployContext of one CLI command: loads and validates the config, selects hosts and roles, and
 * takes the executor, local runner and ERB renderer it is given (the CLI's composition root, cli/context.ts,
 * chooses the concrete ones: SSH, child processes, the system ruby).
 */
import { type Config, createConfig } from "../../config/config.js";
import type { RubyRenderer } from "../../config/load/load-file.js";
import { loadConfig } from "../../config/load-config.js";
import type { Logger } from "../../output/logger.js";
import { createGitFacts } from "../../remote/git.js";
import type { LocalRunner } from "../../remote/local.js";
import type { Executor } from "../../remote/executor.js";
import type { DeployContext, FlowOptions } from "./context.js";
import { Interruption } from "./interruption.js";
import { realFacts } from "./real-facts.js";
import { selectTargets } from "./selection.js";

/** What the CLI knows when a command starts. */
export interface ContextOptions extends FlowOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly logger: Logger;
  readonly configFile: string;
  readonly destination?: string | undefined;
  readonly hosts?: string | undefined;
  readonly roles?: string | undefined;
  readonly primary?: boolean | undefined;
  /** Ctrl-C handling (the CLI wires signals to it). */
  readonly interruption?: Interruption;
  /** The executor, or how to make one from the loaded config (connections are made lazily, on first use). */
  readonly executor: Executor | ((config: Config) => Executor);
  /** Runs local commands: secrets' `$(…)`, vault CLIs, git, docker, hooks. */
  readonly local: LocalRunner;
  /** Renders ERB the built-in evaluator cannot; without it such config files fail clearly. */
  readonly ruby?: RubyRenderer | undefined;
  /** `--dry-run`: record what would change instead of changing it; `offline`: without connecting at all. */
  readonly dryRun?: { readonly offline: boolean } | undefined;
}

/** Creates the context; the caller must `close()` the executor (see `withContext`). */
export function createContext(options: ContextOptions): DeployContext {
  const { local } = options;
  const config = loadConfig({
    configFile: options.configFile,
    destination: options.destination,
    version: options.version,
    cwd: options.cwd,
    env: options.env,
    runner: local,
    ruby: options.ruby,
  });
  const plan = options.dryRun ? new PlanRecorder({ offline: options.dryRun.offline }) : undefined;
  const real = () => (typeof options.executor === "function" ? options.executor(config) : options.executor);
  const executor = plan ? new DryRunExecutor(plan, options.dryRun?.offline ? undefined : real()) : real();
  const facts = realFacts(createGitFacts({ cwd: options.cwd, run: local.runSync }));
  const state = {
    holdingLock: options.env["KAMAL_LOCK"] === "true",
    connected: false,
    interruption: options.interruption ?? new Interruption(),
    pending: new Map(),
    gathered: new Map(),
    loggedIn: new Set<string>(),
    plan,
  };
  const build = (current: Config): DeployContext => {
    return {
      config: current,
      selection: selectTargets(current, options),
      executor,
      local,
      logger: options.logger,
      facts,
      options,
      cwd: options.cwd,
      env: options.env,
      state,
      withVersion: (version) =>
        build(
          createConfig(current.raw, {
            destination: current.destination,
            version,
            secrets: current.secrets,
            cwd: options.cwd,
          }),
        ),
    };
  };
  return build(config);
}

import { flushPending } from "./execute.js";
import { DryRunExecutor, PlanRecorder } from "../../remote/dry-run-executor.js";

/** Runs `work` with a fresh context and always closes its connections. */
export async function withContext<T>(options: ContextOptions, work: (ctx: DeployContext) => Promise<T>): Promise<T> {
  const ctx = createContext(options);
  try {
    const result = await work(ctx);
    // Steps queued outside any lock (pending.ts) still go out before the command ends.
    await flushPending(ctx);
    return result;
  } finally {
    await ctx.executor.close();
  }
}
