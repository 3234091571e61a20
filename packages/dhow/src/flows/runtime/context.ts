/**
 * @module
 * Everything a flow needs, passed explicitly: the config, the selected hosts and roles, the executor, the
 * local runner, the logger, the facts, the command line options and the lock state.
 */
import type { Facts } from "../../commands/facts.js";
import type { Config } from "../../config/config.js";
import type { PlanRecorder } from "../../remote/dry-run-executor.js";
import type { Executor } from "../../remote/executor.js";
import type { LocalRunner } from "../../remote/local.js";
import type { Logger } from "../../output/logger.js";
import type { Interruption } from "./interruption.js";
import type { PendingStep } from "./pending.js";
import type { GatheredAnswer } from "./gather.js";
import type { Selection } from "./selection.js";

/** Command-line options every flow may consult (Kamal's class options plus the command names). */
export interface FlowOptions {
  /** e.g. `deploy`, `app` (KAMAL_COMMAND) */
  readonly command: string;
  /** e.g. `boot` (KAMAL_SUBCOMMAND) */
  readonly subcommand?: string | undefined;
  readonly skipHooks: boolean;
  readonly lockWait: boolean;
  readonly lockWaitTimeout: number;
  readonly lockWaitInterval: number;
  /** `--version` as given. */
  readonly version?: string | undefined;
}

/** Mutable per-run state (Kamal's Commander flags). */
export interface FlowState {
  /** We hold the deploy lock (or a parent dhow/kamal does: KAMAL_LOCK=true). */
  holdingLock: boolean;
  /** The pre-connect hook ran. */
  connected: boolean;
  /** Ctrl-C during the run (see interruption.ts). */
  readonly interruption: Interruption;
  /**
   * Steps decided but not sent yet, per host: they ride in front of the host's next script (pending.ts), so
   * a phase costs no round trip of its own.
   */
  readonly pending: Map<string, PendingStep[]>;
  /** The answers of the gather step (gather.ts), per host and rendered query. */
  readonly gathered: Map<string, Map<string, GatheredAnswer>>;
  /** Hosts that ran `docker login` during this command (a second login is skipped). */
  readonly loggedIn: Set<string>;
  /** `--dry-run`: where what would happen is recorded instead of done (remote/dry-run-executor.ts). */
  readonly plan?: PlanRecorder | undefined;
}

/** The context of one CLI command. */
export interface DeployContext {
  readonly config: Config;
  readonly selection: Selection;
  readonly executor: Executor;
  readonly local: LocalRunner;
  readonly logger: Logger;
  readonly facts: Facts;
  readonly options: FlowOptions;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly state: FlowState;
  /** The same context with the config resolved for another app version (rollback, `--version`). */
  withVersion(version: string): DeployContext;
}
