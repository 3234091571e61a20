/**
 * @module
 * Runs a command builder's output on this machine (docker build/push, local registry login, git clone),
 * through `sh -c` as Kamal's `run_locally` does, so the builders' quoting and redirections mean the same
 * thing locally as on a host. Failures become CommandFailedError on host `localhost`, like remote ones.
 * Under `--dry-run` only reads (`readOnly`) run; every other command is recorded in the plan and answered as
 * a success with no output, as the dry-run executor does on the hosts.
 */
import { type Command, redact, render } from "../../commands/command.js";
import { CommandFailedError } from "../../remote/executor.js";
import type { LocalResult } from "../../remote/local.js";
import type { DeployContext } from "./context.js";
import { toRemote } from "./execute.js";

/** The host name local failures are reported under. */
export const LOCAL_HOST = "localhost";

/** How many trailing output lines a failed local command shows when it wrote nothing to stderr. */
const FAILURE_OUTPUT_LINES = 40;

export interface ExecuteLocalOptions {
  /** Working directory (default: the project directory). */
  readonly cwd?: string;
  /** Extra environment on top of the command's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Return a failed result instead of throwing. */
  readonly allowFailure?: boolean;
  /** It only reads (`docker --version`, `git status`): it runs under `--dry-run` too. */
  readonly readOnly?: boolean;
}

/** Runs `command` locally (`sh -c`), logging its redacted form at -v; throws CommandFailedError on failure. */
export async function executeLocal(
  ctx: DeployContext,
  command: Command,
  options: ExecuteLocalOptions = {},
): Promise<LocalResult> {
  const redacted = redact(command);
  const { plan } = ctx.state;
  if (plan && !options.readOnly) {
    plan.local(redacted);
    return { command: redacted, exitCode: 0, stdout: "", stderr: "", notFound: false, durationMs: 0 };
  }
  ctx.logger.debug(`  Running ${redacted} locally`);
  const result = await ctx.local.run("/bin/sh", ["-c", render(command)], {
    cwd: options.cwd ?? ctx.cwd,
    env: { ...ctx.env, ...options.env },
  });
  if (result.exitCode !== 0 && !options.allowFailure) {
    const remote = toRemote(command);
    const secrets = typeof remote === "string" ? [] : (remote.secrets ?? []);
    throw new CommandFailedError(
      {
        host: LOCAL_HOST,
        command: result.command,
        redacted,
        exitCode: result.exitCode,
        stdout: result.stdout,
        stderr: result.stderr.trim() ? result.stderr : tailLines(result.stdout, FAILURE_OUTPUT_LINES),
        durationMs: result.durationMs,
      },
      { secrets },
    );
  }
  return result;
}

/** The last `count` lines of `text`. */
export function tailLines(text: string, count: number): string {
  const lines = text.trimEnd().split("\n");
  return lines.slice(-count).join("\n");
}
