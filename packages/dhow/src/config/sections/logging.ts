/**
 * @module
 * `logging:` (root and role, the role deep-merged over the root): `--log-driver` and `--log-opt` args,
 * or `--log-opt max-size="10m"` when nothing is set. Kamal's `Configuration::Logging`.
 */
import { argumentize, optionize } from "../../shell-escape.js";
import type { RawLogging } from "../raw-config.js";
import { deepMerge, isHash, isPresent } from "../../ruby.js";
import { type Scope, validateSection } from "../validator.js";

/** The log size limit Kamal applies when no logging is configured. */
export const DEFAULT_LOG_MAX_SIZE = "10m";

/** A resolved logging section. */
export interface Logging {
  readonly raw: RawLogging;
  readonly driver: string | undefined;
  readonly options: Readonly<Record<string, unknown>>;
  /** `docker run` args for this logging config. */
  args(): string[];
}

/** Resolves a logging section. */
export function createLogging(raw: RawLogging | undefined): Logging {
  const section: RawLogging = isHash(raw) ? raw : {};
  const driver = section.driver ?? undefined;
  const options = (section.options ?? {}) as Record<string, unknown>;
  return {
    raw: section,
    driver,
    options,
    args: () => {
      if (isPresent(driver) || isPresent(options)) {
        return [...optionize({ "log-driver": driver }), ...(argumentize("--log-opt", options) as string[])];
      }
      return argumentize("--log-opt", { "max-size": DEFAULT_LOG_MAX_SIZE }) as string[];
    },
  };
}

/** Kamal's `Logging#merge`: `other` deep-merged over `base`. */
export function mergeLogging(base: Logging, other: Logging): Logging {
  return createLogging(
    deepMerge(base.raw as Record<string, unknown>, other.raw as Record<string, unknown>) as RawLogging,
  );
}

/** Kamal's logging validation: against the example of docs/logging.yml (nil counts as an empty hash). */
export function validateLogging(scope: Scope, config: unknown): void {
  validateSection(scope, config ?? {}, "logging");
}
