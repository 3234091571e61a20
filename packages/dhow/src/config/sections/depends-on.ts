/**
 * @module
 * `depends_on` (dhow only, on a role in the hash form of `servers:` and on an accessory): what must be up
 * before this role or accessory boots. Short form `[db, redis]`; long form
 * `{ db: { condition: healthy, timeout: 120 } }` (`timeout`: seconds to wait for the condition, default
 * DEFAULT_DEPENDENCY_TIMEOUT). Validated and resolved here; the graph is config/dependency-graph.ts, the
 * boot order and the waiting belong to the flows that walk it.
 */
import { isHash, isInteger, type RubyHash } from "../../ruby.js";
import { fail, type Scope, typeError, unknownKeysError, validateType, within } from "../validator.js";

/** What a dependency must reach: running, healthy, or exited 0 (a one-shot accessory). */
export const DEPENDENCY_CONDITIONS = ["started", "healthy", "completed"] as const;

/** The keys of a long-form entry. */
export const DEPENDENCY_KEYS = ["condition", "timeout"] as const;

/** Seconds dhow waits for a dependency's condition when its long form sets no `timeout` (5 minutes). */
export const DEFAULT_DEPENDENCY_TIMEOUT = 300;

/** One of DEPENDENCY_CONDITIONS. */
export type DependencyCondition = (typeof DEPENDENCY_CONDITIONS)[number];

/** One entry of a resolved `depends_on`. */
export interface Dependency {
  /** The role or accessory name as written. */
  readonly name: string;
  /** The condition of the long form; undefined in the short form (the default depends on the dependency). */
  readonly condition: DependencyCondition | undefined;
  /** The long form's `timeout` in seconds; undefined when not written (DEFAULT_DEPENDENCY_TIMEOUT applies). */
  readonly timeout: number | undefined;
}

/** Validates a `depends_on` value; `scope` is the `depends_on` key's own scope. */
export function validateDependsOn(scope: Scope, value: unknown): void {
  if (Array.isArray(value)) {
    value.forEach((name, index) => {
      if (typeof name !== "string") typeError(within(scope, index), "String");
    });
    return;
  }
  if (!isHash(value)) typeError(scope, "Array", "Hash");
  for (const [name, settings] of Object.entries(value)) {
    const inner = within(scope, name);
    validateType(inner, settings, "Hash");
    const unknown = Object.keys(settings as RubyHash).filter(
      (key) => !(DEPENDENCY_KEYS as readonly string[]).includes(key),
    );
    if (unknown.length > 0) unknownKeysError(inner, unknown);
    const condition = (settings as RubyHash).condition;
    if (condition !== undefined && !(DEPENDENCY_CONDITIONS as readonly unknown[]).includes(condition)) {
      fail(within(inner, "condition"), "should be started, healthy, or completed");
    }
    const timeout = (settings as RubyHash).timeout;
    if (timeout !== undefined && !(isInteger(timeout) && Number(timeout) > 0)) {
      fail(within(inner, "timeout"), "should be a number of seconds (an integer above 0)");
    }
  }
}

/** The dependencies of a validated `depends_on` value, in the order written (undefined when not set). */
export function resolveDependsOn(value: unknown): readonly Dependency[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) {
    return value.map((name) => ({ name: String(name), condition: undefined, timeout: undefined }));
  }
  return Object.entries(value as RubyHash).map(([name, settings]) => {
    const timeout = (settings as RubyHash | null)?.timeout;
    return {
      name,
      condition: (settings as RubyHash | null)?.condition as DependencyCondition | undefined,
      timeout: timeout === undefined || timeout === null ? undefined : Number(timeout),
    };
  });
}
