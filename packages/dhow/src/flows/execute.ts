/**
 * @module
 * Runs command builders' output on hosts: renders what runs, shows only the redacted form, and passes the
 * secret values along so the executor scrubs them from any output it reports.
 */
import { type Command, flatten, redact, render } from "../commands/command.js";
import type { CommandResult, RemoteCommand, RunOptions, ScriptStep } from "../remote/executor.js";
import { onHosts } from "../remote/on-hosts.js";
import { Sensitive } from "../sensitive.js";
import type { DeployContext } from "./context.js";

/** A builder's command as the executor takes it. */
export function toRemote(command: Command): RemoteCommand {
  const secrets = flatten(command)
    .filter((token): token is Sensitive => token instanceof Sensitive)
    .map((token) => token.reveal());
  return { command: render(command), redacted: redact(command), secrets };
}

/** Runs a command on a host (Kamal's `execute`); throws CommandFailedError unless `allowFailure`. */
export async function execute(
  ctx: DeployContext,
  host: string,
  command: Command,
  options: RunOptions = {},
): Promise<CommandResult> {
  const remote = toRemote(command);
  ctx.logger.forHost(host).command(typeof remote === "string" ? remote : remote.redacted);
  return ctx.executor.run(host, remote, options);
}

/** Runs a command and returns its trimmed stdout (Kamal's `capture_with_info`). */
export async function capture(
  ctx: DeployContext,
  host: string,
  command: Command,
  options: RunOptions = {},
): Promise<string> {
  return (await execute(ctx, host, command, options)).stdout.trim();
}

/** Several commands as one remote script (one round trip). */
export async function executeScript(
  ctx: DeployContext,
  host: string,
  steps: readonly { command: Command; allowFailure?: boolean }[],
): Promise<readonly CommandResult[]> {
  const remoteSteps: ScriptStep[] = steps.map((step) => ({
    command: toRemote(step.command),
    ...(step.allowFailure ? { allowFailure: true } : {}),
  }));
  for (const step of remoteSteps)
    ctx.logger.forHost(host).command(typeof step.command === "string" ? step.command : step.command.redacted);
  return (await ctx.executor.runScript(host, remoteSteps)).steps;
}

/** Runs `fn` on each host in parallel, after the pre-connect hook (once per command, as Kamal's `on`). */
export async function on<T>(
  ctx: DeployContext,
  hosts: readonly string[],
  fn: (host: string) => Promise<T>,
): Promise<T[]> {
  if (!ctx.state.connected) {
    ctx.state.connected = true;
    const { runHook } = await import("./run-hook.js");
    await runHook(ctx, "pre-connect");
  }
  return onHosts(hosts, fn);
}
