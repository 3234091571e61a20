/**
 * @module
 * `env:` (root, role, accessory and tag): clear values passed as `--env K="v"`, secret names written to
 * the host env file. Kamal's `Configuration::Env`.
 */
import type { Secrets } from "../../secrets/secrets.js";
import type { Sensitive } from "../../sensitive.js";
import { argumentize } from "../../shell-escape.js";
import type { RawEnv } from "../raw-config.js";
import { hasOwn, isHash, union } from "../../ruby.js";
import {
  fail,
  type Scope,
  unknownKeysError,
  validateArrayOf,
  validateHashOf,
  validateType,
  within,
} from "../validator.js";

/** A resolved env section. */
export interface Env {
  /** Clear variables, in the order written (values as YAML gives them). */
  readonly clear: Readonly<Record<string, unknown>>;
  /** Secret entries as written: `NAME` or `NAME:SECRET_NAME`. */
  readonly secretKeys: readonly string[];
  /** `--env K="v"` for every clear variable. */
  clearArgs(): (string | Sensitive)[];
  /** Secret variables with their values (looked up now; throws the secrets error for a missing one). */
  secretValues(): Readonly<Record<string, string>>;
}

/** Resolves an env section (simple `{K: v}` form or `{clear, secret, tags}`). */
export function createEnv(raw: RawEnv | undefined, secrets: Pick<Secrets, "get">): Env {
  const config = isHash(raw) ? (raw as Record<string, unknown>) : {};
  const full = "clear" in config || "secret" in config || "tags" in config;
  const clear = full ? ((config.clear as Record<string, unknown> | undefined) ?? {}) : config;
  const secretKeys = full ? ((config.secret as readonly string[] | undefined) ?? []) : [];
  return buildEnv(clear, secretKeys, secrets);
}

/** Kamal's `Env#merge`: clear values merged (the later wins), secret names unioned. */
export function mergeEnv(base: Env, other: Env, secrets: Pick<Secrets, "get">): Env {
  return buildEnv({ ...base.clear, ...other.clear }, union(base.secretKeys, other.secretKeys), secrets);
}

/** The tag sections of a root `env.tags`, by tag name. */
export function envTags(raw: RawEnv | undefined, secrets: Pick<Secrets, "get">): ReadonlyMap<string, Env> {
  const section = isHash(raw) ? (raw as Record<string, unknown>) : {};
  const tags = isHash(section.tags) ? (section.tags as Record<string, RawEnv>) : {};
  return new Map(Object.entries(tags).map(([name, config]) => [name, createEnv(config, secrets)]));
}

function buildEnv(clear: Record<string, unknown>, secretKeys: readonly string[], secrets: Pick<Secrets, "get">): Env {
  return {
    clear,
    secretKeys,
    clearArgs: () => argumentize("--env", clear),
    secretValues: () => {
      const values: Record<string, string> = {};
      for (const key of secretKeys) {
        const [name = key, aliasedTo] = key.split(":");
        values[name] = secrets.get(aliasedTo ?? name);
      }
      return values;
    },
  };
}

/** Kamal's `Validator::Env`: a simple hash of strings, or clear/secret(/tags at the root only). */
export function validateEnv(scope: Scope, config: unknown): void {
  if (!isHash(config)) {
    validateType(scope, config, "Hash");
    return;
  }
  const special = ["clear", "secret", "tags"];
  const keys = Object.keys(config);
  if (!keys.some((key) => special.includes(key))) {
    validateHashOf(scope, config, "String");
    return;
  }
  const unknown = keys.filter((key) => !special.includes(key));
  if (unknown.length > 0) unknownKeysError(scope, unknown);
  if (hasOwn(config, "clear")) validateHashOf(within(scope, "clear"), config.clear, "String");
  if (hasOwn(config, "secret")) validateArrayOf(within(scope, "secret"), config.secret, "String");
  if (hasOwn(config, "tags")) {
    if (scope.context !== "env") fail(scope, "tags are only allowed in the root env");
    const tagsScope = within(scope, "tags");
    validateType(tagsScope, config.tags, "Hash");
    for (const [tag, value] of Object.entries(config.tags as Record<string, unknown>)) {
      const tagScope = within(tagsScope, tag);
      validateType(tagScope, value, "Hash");
      validateEnv(tagScope, value);
    }
  }
}
