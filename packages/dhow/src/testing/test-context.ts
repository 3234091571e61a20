/**
 * @module
 * Test helpers for flows: a DeployContext over a RecordingExecutor, a fixed clock and identity, a capturing
 * logger and in-memory secrets. Used only by `*.test.ts` files.
 */
import type { Facts } from "../commands/facts.js";
import { createConfig } from "../config/config.js";
import type { RawConfig } from "../config/raw-config.js";
import { captureLogger } from "../output/logger.js";
import type { LocalResult, LocalRunner } from "../remote/local.js";
import type { PlanRecorder } from "../remote/dry-run-executor.js";
import { RecordingExecutor } from "./recording-executor.js";
import { staticSecrets } from "../secrets/secrets.js";
import type { DeployContext, FlowOptions } from "../flows/runtime/context.js";
import { Interruption } from "../flows/runtime/interruption.js";
import { selectTargets } from "../flows/runtime/selection.js";

/** Fixed facts: 2025-01-15T10:30:00Z, hex `a1b2c3…`, no tty, deployer@example.com / Deployer. */
export const FIXED_FACTS: Facts = {
  now: () => new Date("2025-01-15T10:30:00Z"),
  randomHex: (bytes) => "a1b2c3d4e5f6a7b8c9d0".repeat(4).slice(0, bytes * 2),
  stdinIsTty: () => false,
  performer: () => "deployer@example.com",
  gitUserName: () => "Deployer",
};

/** A local runner that records calls and answers exit 0 (or what `answer` says). */
export function recordingLocalRunner(
  answer: (file: string, args: readonly string[]) => Partial<LocalResult> = () => ({}),
) {
  const calls: { file: string; args: readonly string[]; env: NodeJS.ProcessEnv | undefined }[] = [];
  const result = (file: string, args: readonly string[]): LocalResult => ({
    command: [file, ...args].join(" "),
    exitCode: 0,
    stdout: "",
    stderr: "",
    notFound: false,
    durationMs: 0,
    ...answer(file, args),
  });
  const runner: LocalRunner & { calls: typeof calls } = {
    calls,
    run: async (file, args, options) => {
      calls.push({ file, args, env: options?.env });
      return result(file, args);
    },
    runSync: (file, args, options) => {
      calls.push({ file, args, env: options?.env });
      return result(file, args);
    },
    shellSync: (line, options) => {
      calls.push({ file: "/bin/sh", args: ["-c", line], env: options?.env });
      return result("/bin/sh", ["-c", line]);
    },
  };
  return runner;
}

export interface TestContextOptions {
  readonly raw: RawConfig | Record<string, unknown>;
  readonly version?: string;
  readonly destination?: string;
  readonly secrets?: Record<string, string>;
  readonly executor?: RecordingExecutor;
  readonly local?: LocalRunner;
  readonly options?: Partial<FlowOptions>;
  readonly selection?: { hosts?: string; roles?: string; primary?: boolean };
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly interruption?: Interruption;
  /** `--dry-run`: the plan the flows record into (pair it with a DryRunExecutor). */
  readonly plan?: PlanRecorder;
}

/** A DeployContext for unit tests; `executor`, `logger` and `local` are exposed for assertions. */
export function testContext(options: TestContextOptions) {
  const executor = options.executor ?? new RecordingExecutor();
  const logger = captureLogger();
  const local = options.local ?? recordingLocalRunner();
  const secrets = staticSecrets(options.secrets ?? {});
  const flowOptions: FlowOptions = {
    command: "deploy",
    skipHooks: false,
    lockWait: false,
    lockWaitTimeout: 900,
    lockWaitInterval: 15,
    ...options.options,
  };
  const state = {
    holdingLock: false,
    connected: false,
    interruption: options.interruption ?? new Interruption(),
    pending: new Map(),
    gathered: new Map(),
    loggedIn: new Set<string>(),
    ...(options.plan ? { plan: options.plan } : {}),
  };
  const cwd = options.cwd ?? process.cwd();
  const build = (version: string): DeployContext & { executor: RecordingExecutor; logger: typeof logger } => {
    const config = createConfig(options.raw as RawConfig, {
      destination: options.destination,
      version,
      secrets,
      cwd,
    });
    return {
      config,
      selection: selectTargets(config, options.selection ?? {}),
      executor,
      local,
      logger,
      facts: FIXED_FACTS,
      options: flowOptions,
      cwd,
      env: options.env ?? {},
      state,
      withVersion: (next) => build(next),
    };
  };
  return build(options.version ?? "999");
}
