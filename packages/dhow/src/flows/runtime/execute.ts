/**
 * @module
 * Runs command builders' output on hosts: renders what runs, shows only the redacted form, and passes the
 * secret values along so the executor scrubs them from any output it reports. Every new remote command is
 * an interrupt checkpoint: after Ctrl-C (interruption.ts) none starts unless it is marked `evenIfInterrupted`
 * (cleanup that keeps a host consistent: finishing a switch, stopping a failed container, the lock release).
 */
import { type Command, flatten, redact, render } from "../../commands/command.js";
import type { CommandResult, RemoteCommand, RunOptions, ScriptStep } from "../../remote/executor.js";
import { InterruptedError } from "../../errors.js";
import { type HostTask, MultiHostError, settle } from "../../remote/on-hosts.js";
import { Sensitive } from "../../sensitive.js";
import type { DeployContext } from "./context.js";

/** A builder's command as the executor takes it. */
export function toRemote(command: Command): RemoteCommand {
  const secrets = flatten(command)
    .filter((token): token is Sensitive => token instanceof Sensitive)
    .map((token) => token.reveal());
  return { command: render(command), redacted: redact(command), secrets };
}

/** Options of `execute`, `capture` and `executeScript`. */
export interface FlowRunOptions extends RunOptions {
  /** Run it even after Ctrl-C: cleanup that leaves the host consistent. */
  readonly evenIfInterrupted?: boolean;
}

/** Runs a command on a host (Kamal's `execute`); throws CommandFailedError unless `allowFailure`. */
export async function execute(
  ctx: DeployContext,
  host: string,
  command: Command,
  options: FlowRunOptions = {},
): Promise<CommandResult> {
  const { evenIfInterrupted, ...runOptions } = options;
  if (!evenIfInterrupted) ctx.state.interruption.throwIfRequested();
  const remote = toRemote(command);
  ctx.logger.forHost(host).command(typeof remote === "string" ? remote : remote.redacted);
  return ctx.executor.run(host, remote, runOptions);
}

/** Runs a command and returns its trimmed stdout (Kamal's `capture_with_info`). */
export async function capture(
  ctx: DeployContext,
  host: string,
  command: Command,
  options: FlowRunOptions = {},
): Promise<string> {
  return (await execute(ctx, host, command, options)).stdout.trim();
}

/** Several commands as one remote script (one round trip). */
export async function executeScript(
  ctx: DeployContext,
  host: string,
  steps: readonly { command: Command; allowFailure?: boolean }[],
  options: { readonly evenIfInterrupted?: boolean } = {},
): Promise<readonly CommandResult[]> {
  if (!options.evenIfInterrupted) ctx.state.interruption.throwIfRequested();
  const remoteSteps: ScriptStep[] = steps.map((step) => ({
    command: toRemote(step.command),
    ...(step.allowFailure ? { allowFailure: true } : {}),
  }));
  for (const step of remoteSteps)
    ctx.logger.forHost(host).command(typeof step.command === "string" ? step.command : step.command.redacted);
  return (await ctx.executor.runScript(host, remoteSteps)).steps;
}

/** Runs `fn` on each host in parallel, after the pre-connect hook (once per command, as Kamal's `on`). */
export function on<T>(ctx: DeployContext, hosts: readonly string[], fn: (host: string) => Promise<T>): Promise<T[]> {
  return onTasks(
    ctx,
    hosts.map((host) => ({ host, run: () => fn(host) })),
  );
}

/**
 * Runs per-host tasks in parallel after the pre-connect hook, settling every one before reporting (see
 * `settle`); hosts that all merely stopped for Ctrl-C report as one InterruptedError.
 */
export async function onTasks<T>(ctx: DeployContext, tasks: readonly HostTask<T>[]): Promise<T[]> {
  ctx.state.interruption.throwIfRequested();
  if (!ctx.state.connected) {
    ctx.state.connected = true;
    const { runHook } = await import("./run-hook.js");
    await runHook(ctx, "pre-connect");
  }
  try {
    return await settle(tasks);
  } catch (error) {
    throw asInterrupted(error);
  }
}

/** A failure of several hosts that all merely stopped for Ctrl-C becomes one InterruptedError. */
export function asInterrupted(error: unknown): unknown {
  return onlyInterrupted(error) ? new InterruptedError() : error;
}

/** A multi-host failure where every host merely stopped for Ctrl-C is one interrupt, not N failures. */
function onlyInterrupted(error: unknown): boolean {
  if (error instanceof InterruptedError) return true;
  return error instanceof MultiHostError && error.failures.every((failure) => onlyInterrupted(failure.error));
}
