/**
 * @module
 * `--dry-run`: an Executor that changes nothing. Read-only commands and script steps (the gather step's
 * queries, flagged `readOnly`) still run on the hosts through the real executor, so the flows decide on real
 * facts; every other command, script step, upload and port forward is recorded in the plan and answered as a
 * success with no output. With `--offline` there is no real executor: reads answer empty too, as on a host
 * where nothing runs yet. The CLI prints the plan (output/plan.ts) when the command ends.
 */
import { Buffer } from "node:buffer";
import { Sensitive } from "../sensitive.js";
import {
  type CommandResult,
  commandParts,
  type Executor,
  type ForwardOptions,
  type RemoteCommand,
  type RemoteForward,
  type RunOptions,
  type ScriptOptions,
  type ScriptResult,
  type ScriptStep,
  type UploadOptions,
  type UploadSource,
} from "./executor.js";
import type { PlanEntry } from "../output/plan.js";
import type { HostRoundTrips } from "./round-trips.js";

/** The plan of a dry run, in the order things would happen. */
export class PlanRecorder {
  readonly entries: PlanEntry[] = [];
  /** `--offline`: nothing is contacted, not the hosts and not the registry. */
  readonly offline: boolean;
  constructor(options: { offline?: boolean } = {}) {
    this.offline = Boolean(options.offline);
  }
  /** Something this machine would do (a hook, a build). */
  local(text: string): void {
    this.entries.push({ kind: "local", text });
  }
  add(entry: PlanEntry): void {
    this.entries.push(entry);
  }
}

/** Runs the reads, records the rest. */
export class DryRunExecutor implements Executor {
  readonly #inner: Executor | undefined;
  readonly #plan: PlanRecorder;

  constructor(plan: PlanRecorder, inner?: Executor) {
    this.#plan = plan;
    this.#inner = inner;
  }

  async run(host: string, command: RemoteCommand, options: RunOptions = {}): Promise<CommandResult> {
    const { command: text, redacted } = commandParts(command);
    const purpose = options.purpose === undefined ? {} : { purpose: options.purpose };
    this.#plan.add({ kind: "script", host, steps: [{ text: redacted, read: Boolean(options.readOnly), ...purpose }] });
    if (options.readOnly && this.#inner) return this.#inner.run(host, command, options);
    return succeeded(host, text, redacted);
  }

  async runScript(host: string, steps: readonly ScriptStep[], options: ScriptOptions = {}): Promise<ScriptResult> {
    this.#plan.add({
      kind: "script",
      host,
      steps: steps.map((step) => ({
        text: commandParts(step.command).redacted,
        read: Boolean(step.readOnly),
        ...(step.purpose === undefined ? {} : { purpose: step.purpose }),
        ...(step.guard ? { guard: true } : {}),
      })),
    });
    const reads = steps.filter((step) => step.readOnly);
    const answers =
      reads.length > 0 && this.#inner
        ? (await this.#inner.runScript(host, reads, { allowFailure: true })).steps
        : ([] as CommandResult[]);
    let read = 0;
    const results = steps.map((step, index) => {
      const { command, redacted } = commandParts(step.command);
      const answer = step.readOnly ? answers[read++] : undefined;
      options.onStep?.({ host, index, redacted, state: "started" });
      const result = answer ?? succeeded(host, command, redacted);
      options.onStep?.({ host, index, redacted, state: "finished", exitCode: result.exitCode });
      return result;
    });
    return { host, steps: results, exitCode: 0, failedStep: undefined, durationMs: 0 };
  }

  async upload(host: string, source: UploadSource, remotePath: string, options: UploadOptions = {}): Promise<void> {
    const bytes =
      "path" in source
        ? -1
        : source.content instanceof Sensitive
          ? Buffer.byteLength(source.content.reveal())
          : Buffer.byteLength(source.content);
    this.#plan.add({
      kind: "upload",
      host,
      path: "path" in source ? `${remotePath} (from ${source.path})` : remotePath,
      bytes,
      ...(options.mode === undefined ? {} : { mode: options.mode }),
    });
  }

  async forwardRemotePort(host: string, port: number, _options?: ForwardOptions): Promise<RemoteForward> {
    this.#plan.add({ kind: "forward", host, port });
    return { host, remotePort: port, close: async () => {} };
  }

  roundTrips(): readonly HostRoundTrips[] {
    return this.#inner?.roundTrips() ?? [];
  }

  async close(): Promise<void> {
    await this.#inner?.close();
  }
}

function succeeded(host: string, command: string, redacted: string): CommandResult {
  return { host, command, redacted, exitCode: 0, stdout: "", stderr: "", durationMs: 0 };
}
