/**
 * @module
 * Waiting, on one host, for an accessory that something depends on (dhow only, `depends_on`): `started`
 * (its container runs), `healthy` (Docker's health status is `healthy`) or `completed` (a one-shot container
 * exited 0; its exit code and output are reported). The remote side is one bounded loop per chunk of at most
 * WAIT_CHUNK_SECONDS (commands/dependency-wait.ts), so a wait costs one round trip per chunk, not one per
 * poll. Ctrl-C stops the wait at once (the remote loop only reads, and ends by itself within its chunk) and
 * nothing more boots. A timeout throws DependencyTimeoutError naming the dependency, the host, the time
 * waited and the health check's last output.
 */
import * as accessoryCommands from "../../commands/accessory.js";
import * as wait from "../../commands/dependency-wait.js";
import type { Accessory } from "../../config/config.js";
import { durationSeconds } from "../../config/sections/accessory-healthcheck.js";
import type { DependencyCondition } from "../../config/sections/depends-on.js";
import { BootError } from "../../errors.js";
import type { CommandResult } from "../../remote/executor.js";
import { REAL_TIMING, type Timing } from "../runtime/timing.js";
import type { DeployContext } from "../runtime/context.js";
import { capture, execute } from "../runtime/execute.js";
import { gatheredAnswer } from "../runtime/gather.js";

/** Longest single remote wait; between chunks dhow checks its own deadline. */
export const WAIT_CHUNK_SECONDS = 30;
/** Poll interval when the health check sets none (Docker's own default, 30 s, would be too slow to wait on). */
const DEFAULT_POLL_SECONDS = 1;
/** Longest poll interval, whatever the health check's interval. */
const MAX_POLL_SECONDS = 2;
/** Extra time the executor allows a chunk beyond its own bound before killing it. */
const CHUNK_GRACE_MS = 15_000;

/** A dependency's condition was not reached in time. */
export class DependencyTimeoutError extends BootError {
  constructor(
    readonly dependency: string,
    readonly host: string,
    readonly waitedSeconds: number,
    readonly condition: DependencyCondition,
    readonly lastOutput: string,
  ) {
    super(
      `${dependency} on ${host} was not ${conditionWord(condition)} after ${waitedSeconds.toFixed(1)}s` +
        (lastOutput ? `; last health check output: ${lastOutput}` : ""),
    );
  }
}

/** A dependency stopped (exited, removed) while dhow waited for it, or can never become healthy. */
export class DependencyStoppedError extends BootError {
  constructor(
    readonly dependency: string,
    readonly host: string,
    readonly state: string,
    readonly output: string,
    what = `is not running (${state})`,
  ) {
    super(`${dependency} on ${host} ${what}${output ? `:\n${output}` : ""}`);
  }
}

/** A `completed` dependency exited non-zero. */
export class DependencyFailedError extends BootError {
  constructor(
    readonly dependency: string,
    readonly host: string,
    readonly containerExitCode: number,
    readonly output: string,
  ) {
    super(`${dependency} on ${host} exited ${containerExitCode}${output ? `:\n${output}` : ""}`);
  }
}

/** What to wait for. */
export interface WaitForDependencyOptions {
  readonly accessory: Accessory;
  readonly host: string;
  readonly condition: DependencyCondition;
  /** Seconds before DependencyTimeoutError. */
  readonly timeoutSeconds: number;
  readonly timing?: Timing;
}

/** What the wait found. */
export interface DependencyWaitResult {
  readonly dependency: string;
  readonly host: string;
  readonly condition: DependencyCondition;
  readonly waitedMs: number;
  /** `completed` only: the exit code (0) and what the container printed. */
  readonly exitCode?: number;
  readonly output?: string;
}

/** Waits until `accessory` reaches `condition` on `host`, printing what it waits for and how long it took. */
export async function waitForDependency(
  ctx: DeployContext,
  options: WaitForDependencyOptions,
): Promise<DependencyWaitResult> {
  const { accessory, host, condition, timeoutSeconds } = options;
  const timing = options.timing ?? REAL_TIMING;
  const name = accessory.name;
  const container = accessory.serviceName;
  const target = { config: ctx.config, accessory };
  const startedAt = timing.now();
  const elapsed = () => timing.now() - startedAt;
  ctx.logger.say(`Waiting for ${name} on ${host} to ${conditionGoal(condition)}...`, "magenta");

  if (condition === "completed") {
    const exitCode = await waitForExit(ctx, options);
    if (ctx.state.plan) {
      // --dry-run: the one-shot run and its wait are in the plan; nothing ran, so there is no output to read.
      return { dependency: name, host, condition, waitedMs: 0, exitCode, output: "" };
    }
    const output = await capture(ctx, host, accessoryCommands.logs(target, { lines: 100, timestamps: false }), {
      allowFailure: true,
      evenIfInterrupted: true,
    });
    const waited = seconds(elapsed());
    if (exitCode !== 0) {
      // The error carries the output; the CLI prints it once.
      ctx.logger.error(`${name} on ${host} exited ${exitCode} after ${waited}s`);
      throw new DependencyFailedError(name, host, exitCode, output);
    }
    ctx.logger.say(`${name} on ${host} completed (exit 0) after ${waited}s`, "green");
    if (output) ctx.logger.forHost(host).info(output);
    return { dependency: name, host, condition, waitedMs: elapsed(), exitCode, output };
  }

  const state = condition === "healthy" ? "healthy" : "running";
  // Already there when the deploy's first script read it (and nothing rebooted it since): no wait to send.
  const gathered = gatheredAnswer(ctx, host, wait.stateAndHealth(container));
  const now = gathered?.exitCode === 0 ? gathered.stdout.trim() : "";
  if (state === "healthy" ? now === "running healthy" : now.startsWith("running")) {
    ctx.logger.say(`${name} on ${host} is ${conditionWord(condition)} (as the first script found it)`, "green");
    return { dependency: name, host, condition, waitedMs: 0 };
  }
  const intervalSeconds = pollSeconds(accessory);
  let left = timeoutSeconds;
  let last = "";
  while (left > 0) {
    const chunk = Math.min(left, WAIT_CHUNK_SECONDS);
    const result = await ctx.state.interruption.until(
      execute(ctx, host, wait.waitForState(container, { state, seconds: chunk, intervalSeconds }), {
        allowFailure: true,
        timeoutMs: chunk * 1000 + CHUNK_GRACE_MS,
      }),
    );
    last = result.stdout.trim().split("\n").at(-1) ?? "";
    if (result.exitCode === wait.WAIT_EXIT.reached) {
      ctx.logger.say(`${name} on ${host} is ${conditionWord(condition)} after ${seconds(elapsed())}s`, "green");
      return { dependency: name, host, condition, waitedMs: elapsed() };
    }
    if (result.exitCode === wait.WAIT_EXIT.noHealthcheck) {
      throw new DependencyStoppedError(
        name,
        host,
        "running",
        "",
        "has no health check, so it never becomes healthy (give it a `healthcheck`, or depend on it with `condition: started`)",
      );
    }
    if (result.exitCode === wait.WAIT_EXIT.stopped) {
      const logs = await capture(ctx, host, accessoryCommands.logs(target, { lines: 20, timestamps: false }), {
        allowFailure: true,
      });
      throw new DependencyStoppedError(name, host, last || "missing", logs);
    }
    left -= chunk;
  }
  const health = state === "healthy" ? await lastHealthOutput(ctx, host, container) : "";
  throw new DependencyTimeoutError(name, host, Math.max(timeoutSeconds, elapsed() / 1000), condition, health || last);
}

/** `docker wait` in chunks; the container's exit code. */
async function waitForExit(ctx: DeployContext, options: WaitForDependencyOptions): Promise<number> {
  const { accessory, host, timeoutSeconds } = options;
  let left = timeoutSeconds;
  while (left > 0) {
    const chunk = Math.min(left, WAIT_CHUNK_SECONDS);
    const result: CommandResult = await ctx.state.interruption.until(
      execute(ctx, host, wait.waitForExit(accessory.serviceName, chunk), {
        allowFailure: true,
        timeoutMs: chunk * 1000 + CHUNK_GRACE_MS,
      }),
    );
    // --dry-run: the wait was recorded, not run; plan on as if the one-shot run exited 0.
    if (ctx.state.plan) return 0;
    const code = Number.parseInt(result.stdout.trim(), 10);
    if (result.exitCode === 0 && Number.isInteger(code)) return code;
    if (result.exitCode !== 124) {
      throw new DependencyStoppedError(accessory.name, host, "missing", result.stderr.trim());
    }
    left -= chunk;
  }
  const output = await capture(
    ctx,
    host,
    accessoryCommands.logs({ config: ctx.config, accessory }, { lines: 20, timestamps: false }),
    { allowFailure: true },
  );
  throw new DependencyTimeoutError(accessory.name, host, timeoutSeconds, "completed", output);
}

/** The output of the health check's last run (`docker inspect --format '{{json .State.Health}}'`). */
export async function lastHealthOutput(ctx: DeployContext, host: string, container: string): Promise<string> {
  try {
    const json = await capture(ctx, host, wait.healthState(container), { allowFailure: true, evenIfInterrupted: true });
    const health = JSON.parse(json) as { Status?: string; Log?: { ExitCode?: number; Output?: string }[] } | null;
    const entry = health?.Log?.at(-1);
    if (!entry) return health?.Status ?? "";
    return `${health?.Status ?? ""} (exit ${entry.ExitCode ?? "?"}): ${(entry.Output ?? "").trim()}`.trim();
  } catch {
    return "";
  }
}

/** The poll interval: the health check's `interval`, at most MAX_POLL_SECONDS. */
export function pollSeconds(accessory: Accessory): number {
  const interval = durationSeconds(accessory.healthcheck?.interval);
  return Math.min(interval ?? DEFAULT_POLL_SECONDS, MAX_POLL_SECONDS);
}

function conditionGoal(condition: DependencyCondition): string {
  return condition === "completed" ? "complete" : `be ${conditionWord(condition)}`;
}

function conditionWord(condition: DependencyCondition): string {
  return condition === "healthy" ? "healthy" : condition === "started" ? "running" : "completed";
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}
