/**
 * @module
 * Builds the DeployContext of one CLI command: loads and validates the config, selects hosts and roles,
 * and opens the SSH executor (connections are made lazily, on first use).
 */
import { type Config, createConfig } from "../../config/config.js";
import { loadConfig } from "../../config/load-config.js";
import type { Logger } from "../../output/logger.js";
import { createGitFacts } from "../../remote/git.js";
import { type LocalRunner, localRunner } from "../../remote/local.js";
import { rubyRenderer } from "../../remote/ruby-erb.js";
import { SshExecutor, type SshExecutorOptions } from "../../remote/ssh-executor.js";
import type { Executor } from "../../remote/executor.js";
import type { DeployContext, FlowOptions } from "./context.js";
import { Interruption } from "./interruption.js";
import { realFacts } from "./real-facts.js";
import { withDhowProxyImage } from "../proxy/image-config.js";
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
  /** Test seams: another executor or local runner. */
  readonly executor?: Executor;
  readonly local?: LocalRunner;
}

/** Creates the context; the caller must `close()` the executor (see `withContext`). */
export function createContext(options: ContextOptions): DeployContext {
  const local = options.local ?? localRunner;
  const config = loadConfig({
    configFile: options.configFile,
    destination: options.destination,
    version: options.version,
    cwd: options.cwd,
    env: options.env,
    runner: local,
    ruby: rubyRenderer,
  });
  const executor = options.executor ?? new SshExecutor(sshOptions(config));
  const facts = realFacts(createGitFacts({ cwd: options.cwd, run: local.runSync }));
  const state = {
    holdingLock: options.env["KAMAL_LOCK"] === "true",
    connected: false,
    interruption: options.interruption ?? new Interruption(),
  };
  // Every flow (proxy boot, reboot, details…) sees dhow's own proxy image as the default proxy image.
  const build = (loaded: Config): DeployContext => {
    const current = withDhowProxyImage(loaded);
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

/** Runs `work` with a fresh context and always closes its connections. */
export async function withContext<T>(options: ContextOptions, work: (ctx: DeployContext) => Promise<T>): Promise<T> {
  const ctx = createContext(options);
  try {
    return await work(ctx);
  } finally {
    await ctx.executor.close();
  }
}

/** The executor settings from `ssh:` and `sshkit:`. */
export function sshOptions(config: Config): SshExecutorOptions {
  const ssh = config.ssh;
  const keyData = ssh.keyData();
  return {
    user: ssh.user,
    port: Number(ssh.port),
    ...(ssh.keys ? { keys: ssh.keys } : {}),
    ...(keyData ? { keyData } : {}),
    ...(ssh.keysOnly ? { keysOnly: true } : {}),
    ...(ssh.config !== undefined ? { config: ssh.config } : {}),
    ...(ssh.proxy?.kind === "jump" ? { proxy: ssh.proxy.jumpProxies } : {}),
    ...(ssh.proxy?.kind === "command" ? { proxyCommand: ssh.proxy.commandLineTemplate } : {}),
    maxConcurrentStarts: config.sshkit.maxConcurrentStarts,
    poolIdleTimeoutMs: config.sshkit.poolIdleTimeout * 1000,
    dnsRetries: config.sshkit.dnsRetries,
  };
}
