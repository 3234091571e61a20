/**
 * @module
 * The composition root: the concrete pieces behind a command's DeployContext. The logger at -q/-v, Ctrl-C
 * wired to the run's Interruption, the SSH executor (ssh2), the local runner (child processes), the system
 * ruby for ERB, live progress in a terminal, and the confirmation prompt on stdin; with -v, the SSH round trips
 * per host when the command ends (issue 11's count). The CLI loads this module
 * only when a command needs a context, so `dhow version` and `--help` never load ssh2 or the config code.
 */
import type { Config } from "../config/config.js";
import { withContext } from "../flows/runtime/create-context.js";
import { Interruption } from "../flows/runtime/interruption.js";
import { withLiveProgress } from "../flows/runtime/progress.js";
import { createLogger, type Logger } from "../output/logger.js";
import { formatRoundTrips } from "../output/round-trips.js";
import { formatPlan } from "../output/plan.js";
import { UsageError } from "../errors.js";
import type { Executor } from "../remote/executor.js";
import { localRunner } from "../remote/local.js";
import { rubyRenderer } from "../remote/ruby-erb.js";
import { SshExecutor, type SshExecutorOptions } from "../remote/ssh-executor.js";
import type { CommandRuntime } from "./define-command.js";
import { wireInterrupts } from "./interrupt-signals.js";
import { keepRunningWithoutOutput } from "./io.js";
import { askYesNo } from "./yes-no-prompt.js";

/** The real runtime: SSH, the process's signals, stdin. */
export const CLI_RUNTIME: CommandRuntime = {
  withContext: async (run, flow) => {
    const { globals, io, path } = run;
    const [name, subcommand] = path.split(" ");
    const logger = createLogger({
      stdout: io.stdout,
      stderr: io.stderr,
      verbosity: globals.verbose ? "verbose" : globals.quiet ? "quiet" : "normal",
      color: io.isTTY && !io.env["NO_COLOR"],
    });
    const interruption = new Interruption();
    const unwireSignals = wireInterrupts(interruption, logger);
    const unwireOutput = keepRunningWithoutOutput(() => interruption.critical);
    const unwire = () => {
      unwireSignals();
      unwireOutput();
    };
    try {
      return await withContext(
        {
          interruption,
          command: name ?? path,
          subcommand,
          skipHooks: globals.skipHooks,
          lockWait: globals.lockWait,
          lockWaitTimeout: globals.lockWaitTimeout,
          lockWaitInterval: globals.lockWaitInterval,
          version: globals.version,
          cwd: io.cwd,
          env: globals.verbose ? { ...io.env, VERBOSE: "1" } : io.env,
          logger,
          configFile: globals.configFile,
          destination: globals.destination,
          hosts: globals.hosts,
          roles: globals.roles,
          primary: globals.primary,
          executor: (config) => new SshExecutor(sshOptions(config)),
          local: localRunner,
          ruby: rubyRenderer,
          dryRun: dryRunOption(globals),
        },
        async (ctx) => {
          const progress = withLiveProgress(ctx, { live: io.isTTY, columns: terminalColumns(io.env) });
          try {
            return await flow(progress.ctx);
          } finally {
            progress.stop();
            printRoundTrips(logger, ctx.executor);
            if (ctx.state.plan) {
              io.stdout(formatPlan(ctx.state.plan.entries, { command: path, offline: Boolean(globals.offline) }));
            }
          }
        },
      );
    } finally {
      unwire();
    }
  },
  confirm: (run) => (question) => askYesNo(question, { input: process.stdin, write: run.io.stdout }),
};

/** `--dry-run [--offline]`; `--offline` alone is a usage error. */
function dryRunOption(globals: { dryRun: boolean; offline: boolean }): { offline: boolean } | undefined {
  if (globals.offline && !globals.dryRun) throw new UsageError("--offline only goes with --dry-run");
  return globals.dryRun ? { offline: globals.offline } : undefined;
}

/** `-v`: the SSH round trips the command used per host (nothing when it contacted no host). */
export function printRoundTrips(logger: Logger, executor: Executor): void {
  const line = formatRoundTrips(executor.roundTrips());
  if (line) logger.debug(line);
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

function terminalColumns(env: NodeJS.ProcessEnv): number {
  const columns = Number(env["COLUMNS"]);
  return Number.isFinite(columns) && columns > 20 ? columns : 100;
}
