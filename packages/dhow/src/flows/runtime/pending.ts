/**
 * @module
 * Steps a flow has decided on but not sent yet, per host. Nothing reads their output, so they need no round
 * trip of their own: they ride in front of the host's next remote script (`execute` and `executeScript`
 * take them), and whatever is left is sent before a local hook runs (so the hook sees the host as the steps
 * left it), before the deploy lock is released, and when the command ends. A pending step that fails stops
 * the script it rides in and is reported as itself: the error names the failing command and its output.
 * After Ctrl-C only the steps marked `evenIfInterrupted` are still sent.
 */
import type { Command } from "../../commands/command.js";
import type { CommandFailedError } from "../../remote/executor.js";
import type { DeployContext } from "./context.js";

/** A step waiting for the host's next script. */
export interface PendingStep {
  readonly command: Command;
  /** A failure is recorded but does not stop the script. */
  readonly allowFailure?: boolean;
  /** Still sent after Ctrl-C (cleanup that keeps the host consistent). */
  readonly evenIfInterrupted?: boolean;
  /** Turns this step's failure into the error the flow that queued it would have thrown (e.g. with a hint). */
  readonly explain?: (error: CommandFailedError) => Error;
  /** What this step and the ones after it are for (the dry-run plan shows it). */
  readonly purpose?: string;
  /**
   * It waits for work the host is still doing in the background (commands/detached.ts): it goes after the
   * host's other pending steps, so they run beside that work instead of waiting for it.
   */
  readonly last?: boolean;
}

/** Queues steps for `host`'s next script. */
export function defer(ctx: Pick<DeployContext, "state">, host: string, steps: readonly PendingStep[]): void {
  if (steps.length === 0) return;
  const queue = ctx.state.pending.get(host);
  if (queue) queue.push(...steps);
  else ctx.state.pending.set(host, [...steps]);
}

/**
 * Removes and returns `host`'s pending steps, those marked `last` after the others (after Ctrl-C only those
 * marked `evenIfInterrupted`).
 */
export function takePending(ctx: Pick<DeployContext, "state">, host: string): PendingStep[] {
  const queued = ctx.state.pending.get(host) ?? [];
  ctx.state.pending.delete(host);
  const steps = [...queued.filter((step) => !step.last), ...queued.filter((step) => step.last)];
  return ctx.state.interruption.requested ? steps.filter((step) => step.evenIfInterrupted) : steps;
}

/** The hosts with steps pending, in the order they were first queued. */
export function hostsWithPending(ctx: Pick<DeployContext, "state">): string[] {
  return [...ctx.state.pending.entries()].filter(([, steps]) => steps.length > 0).map(([host]) => host);
}

/** After a failure: drops every pending step but the cleanup marked `evenIfInterrupted`. */
export function dropPending(ctx: Pick<DeployContext, "state" | "logger">): void {
  for (const [host, steps] of ctx.state.pending) {
    const kept = steps.filter((step) => step.evenIfInterrupted);
    if (kept.length < steps.length)
      ctx.logger.debug(`Not sent to ${host} after the failure: ${steps.length - kept.length} step(s)`);
    if (kept.length > 0) ctx.state.pending.set(host, kept);
    else ctx.state.pending.delete(host);
  }
}
