/**
 * @module
 * Runs command builders' output on hosts: renders what runs, shows only the redacted form, and passes the
 * secret values along so the executor scrubs them from any output it reports. Every new remote command is
 * an interrupt checkpoint: after Ctrl-C (interruption.ts) none starts unless it is marked `evenIfInterrupted`
 * (cleanup that keeps a host consistent: finishing a switch, stopping a failed container, the lock release).
 */
import { type Command, flatten, redact, render } from "../../commands/command.js";
import {
  type CommandResult,
  CommandFailedError,
  type RemoteCommand,
  type RunOptions,
  type StepEvent,
} from "../../remote/executor.js";
import { InterruptedError } from "../../errors.js";
import { type HostTask, MultiHostError, settle } from "../../remote/on-hosts.js";
import { Sensitive } from "../../sensitive.js";
import type { DeployContext } from "./context.js";
import { defer, hostsWithPending, type PendingStep, takePending } from "./pending.js";

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

/**
 * Runs a command on a host (Kamal's `execute`); throws CommandFailedError unless `allowFailure`. Steps
 * pending on the host (pending.ts) ride in the same round trip, ahead of it.
 */
export async function execute(
  ctx: DeployContext,
  host: string,
  command: Command,
  options: FlowRunOptions = {},
): Promise<CommandResult> {
  const { evenIfInterrupted, ...runOptions } = options;
  if (!evenIfInterrupted) ctx.state.interruption.throwIfRequested();
  const pending = takePending(ctx, host);
  if (pending.length > 0) {
    const streams = runOptions.input !== undefined || runOptions.onOutput || runOptions.timeoutMs !== undefined;
    if (!streams) {
      const step = {
        command,
        ...(runOptions.allowFailure ? { allowFailure: true } : {}),
        // A read stays a read when it rides behind queued steps (a dry run still runs it).
        ...(runOptions.readOnly ? { readOnly: true } : {}),
        ...(runOptions.purpose === undefined ? {} : { purpose: runOptions.purpose }),
      };
      const phase = await sendScript(ctx, host, [...pending, step]);
      if (phase.error && phase.failedStep !== pending.length) throw explained(pending, phase);
      const result = phase.results.at(-1);
      if (result) return result;
      throw phase.error;
    }
    const phase = await sendScript(ctx, host, pending);
    if (phase.error) throw explained(pending, phase);
  }
  const remote = toRemote(command);
  ctx.logger.forHost(host).command(typeof remote === "string" ? remote : remote.redacted);
  return ctx.executor.run(host, remote, runOptions);
}

/**
 * Runs a command that only reads and returns its trimmed stdout (Kamal's `capture_with_info`); as a read it
 * runs under `--dry-run` too, so the plan is decided on the host's real answer.
 */
export async function capture(
  ctx: DeployContext,
  host: string,
  command: Command,
  options: FlowRunOptions = {},
): Promise<string> {
  return (await execute(ctx, host, command, { readOnly: true, ...options })).stdout.trim();
}

/** A step of a flow's script. */
export interface FlowStep {
  readonly command: Command;
  readonly allowFailure?: boolean;
  /** It only reads (a dry run still runs it). */
  readonly readOnly?: boolean;
  /** What this step and the ones after it (up to the next purpose) are for; the dry-run plan shows it. */
  readonly purpose?: string;
  /** A condition: when it fails, the rest of the script is skipped on this host and the script succeeds. */
  readonly guard?: boolean;
  /** It may run at the same time as its neighbours that say so too (independent reads; see ScriptStep). */
  readonly concurrent?: boolean;
  /** It runs in the background while the steps after it go on (a read; see ScriptStep). */
  readonly background?: boolean;
}

/** `steps` with `purpose` on the first one (unless it has its own). */
export function withPurpose<T extends { readonly purpose?: string }>(steps: readonly T[], purpose?: string): T[] {
  const [first, ...rest] = steps;
  if (purpose === undefined || first === undefined || first.purpose !== undefined) return [...steps];
  return [{ ...first, purpose }, ...rest];
}

/** What a phase script did. */
export interface PhaseResult {
  /** One result per step that ran, in order (the phase's own steps, not the pending ones ahead of them). */
  readonly results: readonly CommandResult[];
  /** The own step that failed and stopped the script; -1 when a pending step ahead of them did. */
  readonly failedStep: number | undefined;
  /** The failure, naming the failing command, its host, exit code and (redacted) output. */
  readonly error: Error | undefined;
}

/** A step of a phase starting or finishing on the host (index among the phase's own steps). */
export interface PhaseStepEvent {
  readonly index: number;
  readonly state: "started" | "finished";
  readonly exitCode?: number;
}

/** Options of `runPhase` and `executeScript`. */
export interface PhaseOptions {
  readonly evenIfInterrupted?: boolean;
  /** Called as each own step starts and finishes on the host. */
  readonly onStep?: (event: PhaseStepEvent) => void;
  /** What the phase is for (the dry-run plan shows it). */
  readonly purpose?: string;
}

/**
 * Runs steps as ONE remote script (one round trip), the host's pending steps ahead of them, stopping at the
 * first failing step (unless it allows failure). Returns what ran and the failure instead of throwing.
 */
export async function runPhase(
  ctx: DeployContext,
  host: string,
  steps: readonly FlowStep[],
  options: PhaseOptions = {},
): Promise<PhaseResult> {
  if (!options.evenIfInterrupted) ctx.state.interruption.throwIfRequested();
  const pending = takePending(ctx, host);
  const phase = await sendScript(ctx, host, [...pending, ...withPurpose(steps, options.purpose)], {
    ...(options.onStep
      ? {
          onStep: (event) => {
            if (event.index >= pending.length) options.onStep?.({ ...event, index: event.index - pending.length });
          },
        }
      : {}),
  });
  return {
    results: phase.results.slice(pending.length),
    failedStep: phase.failedStep === undefined ? undefined : Math.max(-1, phase.failedStep - pending.length),
    error: phase.error ? explained(pending, phase) : undefined,
  };
}

/**
 * Steps nothing reads the output of: with the host's next script when the deploy engine gathered this host
 * (pending.ts), otherwise now, as one script.
 */
export async function executeLater(
  ctx: DeployContext,
  host: string,
  given: readonly PendingStep[],
  options: { readonly evenIfInterrupted?: boolean; readonly purpose?: string } = {},
): Promise<void> {
  const steps = withPurpose(given, options.purpose);
  if (ctx.state.gathered.has(host)) {
    defer(
      ctx,
      host,
      steps.map((step) => (options.evenIfInterrupted ? { ...step, evenIfInterrupted: true } : step)),
    );
    return;
  }
  const phase = await runPhase(ctx, host, steps, options);
  if (phase.error) throw explained(steps, { ...phase, failedStep: phase.failedStep });
}

/** A command's first line, cut at 80 characters (for per-step lines at -v). */
function firstLine(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

/** A failed pending step's error as the flow that queued it explains it. */
function explained(
  steps: readonly PendingStep[],
  phase: { failedStep: number | undefined; error: Error | undefined },
): Error | undefined {
  const step = phase.failedStep === undefined ? undefined : steps[phase.failedStep];
  return step?.explain && phase.error instanceof CommandFailedError ? step.explain(phase.error) : phase.error;
}

/** Several commands as one remote script (one round trip); throws CommandFailedError for a failing step. */
export async function executeScript(
  ctx: DeployContext,
  host: string,
  steps: readonly FlowStep[],
  options: PhaseOptions = {},
): Promise<readonly CommandResult[]> {
  const phase = await runPhase(ctx, host, steps, options);
  if (phase.error) throw phase.error;
  return phase.results;
}

/**
 * Sends the steps pending on `hosts` (default: every host with any), one script per host, in parallel.
 * Hooks see hosts as the flow left them, and the lock is released only after everything under it ran.
 */
export async function flushPending(
  ctx: DeployContext,
  hosts: readonly string[] = hostsWithPending(ctx),
): Promise<void> {
  const targets = hosts.filter((host) => (ctx.state.pending.get(host)?.length ?? 0) > 0);
  if (targets.length === 0) return;
  await settle(targets.map((host) => ({ host, run: () => executeScript(ctx, host, [], { evenIfInterrupted: true }) })));
}

/** One script with every step shown as it is sent; never throws for a failing step. */
async function sendScript(
  ctx: DeployContext,
  host: string,
  steps: readonly FlowStep[],
  options: { onStep?: (event: StepEvent) => void } = {},
): Promise<{
  results: readonly CommandResult[];
  failedStep: number | undefined;
  error: CommandFailedError | undefined;
}> {
  if (steps.length === 0) return { results: [], failedStep: undefined, error: undefined };
  const remoteSteps = steps.map((step) => ({
    command: toRemote(step.command),
    ...(step.allowFailure ? { allowFailure: true } : {}),
    ...(step.readOnly ? { readOnly: true } : {}),
    ...(step.purpose === undefined ? {} : { purpose: step.purpose }),
    ...(step.guard ? { guard: true } : {}),
    ...(step.concurrent ? { concurrent: true } : {}),
    ...(step.background ? { background: true } : {}),
  }));
  for (const step of remoteSteps) {
    ctx.logger.forHost(host).command(typeof step.command === "string" ? step.command : step.command.redacted);
  }
  const script = await ctx.executor.runScript(host, remoteSteps, {
    allowFailure: true,
    ...(options.onStep ? { onStep: options.onStep } : {}),
  });
  // -v: each step's exit code and time on the host (the script is one round trip; its steps still report).
  if (steps.length > 1) {
    for (const result of script.steps) {
      ctx.logger.debug(
        `  Finished in ${(result.durationMs / 1000).toFixed(3)} seconds with exit status ${result.exitCode} on ${host}: ${firstLine(result.redacted)}`,
      );
    }
  }
  const failed = script.failedStep === undefined ? undefined : script.steps[script.failedStep];
  const failedCommand = script.failedStep === undefined ? undefined : remoteSteps[script.failedStep]?.command;
  const secrets = typeof failedCommand === "object" ? (failedCommand.secrets ?? []) : [];
  return {
    results: script.steps,
    failedStep: script.failedStep,
    error: failed ? new CommandFailedError(failed, { secrets, script }) : undefined,
  };
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
