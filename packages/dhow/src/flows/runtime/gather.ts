/**
 * @module
 * The gather step of a deploy: one remote script per host runs every read-only query the flows decide on
 * (gather-queries.ts), and the answers are kept per host, keyed by the query's rendered text. A flow that
 * asks a query with `captureFact` gets the gathered answer without a round trip, or runs the query when it
 * was not gathered (a command used on its own). A flow that changes what a query reads `forget`s its answer.
 */
import { type Command, render } from "../../commands/command.js";
import type { CommandResult } from "../../remote/executor.js";
import type { DeployContext } from "./context.js";
import { capture, type FlowStep, on, type PhaseResult, type PhaseStepEvent, runPhase, withPurpose } from "./execute.js";
import { derivedAnswers, gatherQueries, type QueryAnswer } from "./gather-queries.js";
import { progressOf } from "./progress.js";

/** A gathered query's result. */
export type GatheredAnswer = QueryAnswer;

/** The gathered answer to `command` on `host`, if it was gathered. */
export function gatheredAnswer(
  ctx: Pick<DeployContext, "state">,
  host: string,
  command: Command,
): GatheredAnswer | undefined {
  return ctx.state.gathered.get(host)?.get(render(command));
}

/** The trimmed stdout of a read-only query, gathered or run now (a failure is not an error, as `allowFailure`). */
export async function captureFact(ctx: DeployContext, host: string, command: Command): Promise<string> {
  const answer = gatheredAnswer(ctx, host, command);
  if (answer) {
    ctx.logger.debug(`Gathered on ${host}: ${render(command)}`);
    return answer.stdout.trim();
  }
  return capture(ctx, host, command, { allowFailure: true, readOnly: true });
}

/** Keeps the answers of `queries` (one result per query, in order; missing results are not kept). */
export function keepAnswers(
  ctx: Pick<DeployContext, "state">,
  host: string,
  queries: readonly Command[],
  results: readonly CommandResult[],
): void {
  const answers = ctx.state.gathered.get(host) ?? new Map<string, GatheredAnswer>();
  queries.forEach((query, index) => {
    const result = results[index];
    if (result) answers.set(render(query), { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode });
  });
  ctx.state.gathered.set(host, answers);
}

/** Drops gathered answers that a change on `host` made stale. */
export function forget(ctx: Pick<DeployContext, "state">, host: string, ...commands: readonly Command[]): void {
  const answers = ctx.state.gathered.get(host);
  for (const command of commands) answers?.delete(render(command));
}

/** Steps that ride in the gather script of a host, before and after its queries. */
export interface GatherOptions {
  readonly before?: (host: string) => readonly FlowStep[];
  readonly after?: (host: string) => readonly FlowStep[];
  /** Queries read besides the deploy's own (gather-queries.ts). */
  readonly extraQueries?: (host: string) => readonly Command[];
  /** Return a host's failed step in its phase instead of throwing it. */
  readonly allowFailure?: boolean;
  /** The live progress label of a host's script (`pull` when it pulls), if it shows one. */
  readonly label?: (host: string) => string | undefined;
  /** Called as each step of a host's script starts and finishes (index among `before`, queries, `after`). */
  readonly onStep?: (host: string, event: PhaseStepEvent) => void;
}

/** A host's gather script: what ran, and whether every step did (a guard step may skip the rest). */
export interface GatheredPhase extends PhaseResult {
  readonly complete: boolean;
}

/**
 * Runs the gather step: on each host one script with `before` steps, the read-only queries (a failing query
 * is recorded, not fatal) and `after` steps, in parallel. Keeps the answers; returns each host's phase so the
 * caller can act on a failed `before`/`after` step. A host whose script stopped early keeps the answers it got.
 */
export async function gatherFacts(
  ctx: DeployContext,
  hosts: readonly string[],
  options: GatherOptions = {},
): Promise<Map<string, GatheredPhase>> {
  const phases = await on(ctx, hosts, async (host) => {
    const before = options.before?.(host) ?? [];
    const queries = [...(options.extraQueries?.(host) ?? []), ...gatherQueries(ctx.config, ctx.selection, host)];
    const after = options.after?.(host) ?? [];
    const reads: FlowStep[] = queries.map((command) => ({
      command,
      allowFailure: true,
      readOnly: true,
      // Started together where they stand; the steps after them (the pull) do not wait for them.
      background: true,
    }));
    const steps = [...before, ...withPurpose(reads, "read what the command decides on"), ...after];
    const onStep = options.onStep;
    const send = () => runPhase(ctx, host, steps, onStep ? { onStep: (event) => onStep(host, event) } : {});
    const label = options.label?.(host);
    const phase = label ? await progressOf(ctx).track({ label, host }, send) : await send();
    keepAnswers(ctx, host, queries, phase.results.slice(before.length, before.length + queries.length));
    for (const { from, answers, derive } of derivedAnswers(ctx.config, ctx.selection, host)) {
      const answer = gatheredAnswer(ctx, host, from);
      if (answer) ctx.state.gathered.get(host)?.set(render(answers), derive(answer));
    }
    if (phase.error && !options.allowFailure) throw phase.error;
    return [host, { ...phase, complete: phase.results.length === steps.length }] as const;
  });
  return new Map(phases);
}
