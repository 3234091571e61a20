/**
 * @module
 * What a scenario is (a module in test/scenarios/ named `<name>.scenario.ts` whose default export is a
 * `Scenario`) and what it gets to work with.
 */
import type { Sandbox } from "./sandbox.js";
import type { App, DhowCall } from "./workspace.js";

/** One end-to-end scenario against a running sandbox. */
export interface Scenario {
  /** Must equal the file name without `.scenario.ts`. */
  readonly name: string;
  /** One line for `--list`. */
  readonly description: string;
  /** How many servers it needs (default 2). */
  readonly hosts?: number;
  /** A reason to skip on this machine (e.g. the corpus is absent), or undefined to run. */
  readonly skip?: () => string | undefined;
  run(t: ScenarioContext): Promise<void>;
}

/** Options for `t.app`. */
export interface AppOptions {
  /** Also copy the busybox site (apps/_site) under the template (default true). */
  readonly withSite?: boolean;
  /** Extra environment for every dhow call of this app. */
  readonly env?: Readonly<Record<string, string>>;
}

/** What `run` receives. */
export interface ScenarioContext {
  readonly sandbox: Sandbox;
  /** The servers this scenario may use (the first `hosts` of the sandbox). */
  readonly hosts: readonly string[];
  /** A fresh workspace (own git repository) from a template under test/scenarios/apps/ or an absolute dir. */
  app(template: string, options?: AppOptions): Promise<App>;
  /** Runs a named step: its name prefixes any failure, its duration is reported. */
  step<T>(name: string, work: () => Promise<T>): Promise<T>;
  /** A progress line (shown with --verbose, and in the report of a failed scenario). */
  log(message: string): void;
  /** Every dhow call so far. */
  readonly calls: readonly DhowCall[];
  /** This scenario's temporary directory (kept when it fails). */
  readonly workDir: string;
}
