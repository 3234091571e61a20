/**
 * @module
 * The contract between the golden runner (`scripts/golden.ts`) and each command group's dispatch
 * (`scripts/golden/<group>.ts`). A group turns one golden case's `call` into a call of dhow's builders.
 */
import type { Config } from "../../src/config/config.js";

/** Fixed values of non-deterministic inputs, exactly as a case's `stubs` lists them (see the fixtures README). */
export interface GoldenStubs {
  readonly time_now_utc?: string;
  readonly git_user_email?: string;
  readonly git_user_name?: string;
  readonly secure_random_hex_3?: string;
  readonly stdin_tty?: boolean;
  readonly docker_arch?: string;
  readonly git_root?: string;
  readonly pwd?: string;
  readonly tmpdir?: string;
  readonly git_revision?: string;
  readonly git_used?: boolean;
}

/** Everything a group needs to build its command object for one case. */
export interface GoldenConstructContext {
  /** The resolved config (built from the case's `config`, `destination`, `version`, secrets). */
  readonly config: Config;
  /** The case's `call.constructor` (e.g. `{ role: "web", host: "1.1.1.1" }` for app). */
  readonly constructorArgs: Readonly<Record<string, unknown>>;
  readonly stubs: GoldenStubs;
  /** A temp dir holding the case's `secret_files` and `files_present`: the working directory. */
  readonly cwd: string;
}

/** One call of a golden case. */
export interface GoldenCall {
  /** Kamal's method name, snake_case as in the case; dotted names are chains (`target.build_options`). */
  readonly method: string;
  readonly positional: readonly unknown[];
  readonly args: Readonly<Record<string, unknown>>;
}

/**
 * Dispatch for one Kamal command class (`app`, `builder`, …).
 * `call` returns a Command (token array, rendered by the runner), a string, a plain object (hook env),
 * or a list of Commands (when the case has `pick`). It throws to report a builder error, and throws
 * `UnknownGoldenMethodError` for a method it does not map.
 */
export interface GoldenGroup<Instance = unknown> {
  construct(context: GoldenConstructContext): Instance;
  call(instance: Instance, call: GoldenCall): unknown;
}

/** Thrown by a group for a method it does not know; the runner reports the case as failed. */
export class UnknownGoldenMethodError extends Error {
  constructor(group: string, method: string) {
    super(`unknown method ${group}.${method}`);
    this.name = "UnknownGoldenMethodError";
  }
}
