/**
 * @module
 * The generic part of Kamal's validator (`Kamal::Configuration::Validator`): check a value against the
 * example value from the docs, with Kamal's special cases (servers and `hosts` lists, `ssl`, `arch`,
 * `hooks_output`, ssh `config`, accessory `files`/`directories`, free-form `options`/`args`, `labels`),
 * Kamal's type rules (a string may be given as a number or boolean; integers must be integers) and
 * Kamal's messages (`servers/web/hosts: should be an array`, `builder: unknown key: foo`).
 */
import { ConfigError, type SourceLocation } from "../errors.js";
import { configExample, type ExampleName } from "./config-docs.js";
import type { KeyPath } from "./load/location-index.js";
import { getOwn, hasOwn, isBlank, isHash, isInteger, type RubyHash } from "../ruby.js";

/** A Ruby class name as the validator reasons about types. */
export type RubyClass =
  | "Hash"
  | "Array"
  | "String"
  | "Symbol"
  | "Integer"
  | "Float"
  | "TrueClass"
  | "FalseClass"
  | "NilClass"
  | "Date";

/** Where validation is: Kamal's context string (`servers/web`) and the matching key path. */
export interface Scope {
  readonly context: string;
  readonly path: KeyPath;
  readonly locate?: ((path: KeyPath) => SourceLocation | undefined) | undefined;
  readonly file?: string | undefined;
}

/** The root scope (context ""). */
export function rootScope(options: Pick<Scope, "locate" | "file"> = {}): Scope {
  return { context: "", path: [], locate: options.locate, file: options.file };
}

/** Kamal's `with_context`: appends a key (blank keys are left out of the context string, as in Kamal). */
export function within(scope: Scope, key: string | number): Scope {
  const part = typeof key === "number" ? String(key) : key;
  const context = [scope.context, part].filter((piece) => !isBlank(piece)).join("/");
  return { ...scope, context, path: [...scope.path, key] };
}

/** A scope with an explicit context string (used where Kamal passes `context:` to a section). */
export function scopeAt(scope: Scope, context: string, path: KeyPath): Scope {
  return { ...scope, context, path };
}

/** Kamal's `error`: `<context>: <message>`, as a ConfigError with key path and file location. */
export function fail(scope: Scope, message: string, at: KeyPath = scope.path): never {
  const text = scope.context === "" ? message : `${scope.context}: ${message}`;
  const location = scope.locate?.(at) ?? (scope.file ? { file: scope.file } : undefined);
  const keyPath = at.length === 0 ? scope.context : at.map(String).join("/");
  throw new ConfigError(text, { keyPath, ...(location ? { location } : {}) });
}

/** The Ruby class of a loaded value. */
export function rubyClassOf(value: unknown): RubyClass {
  if (value === null || value === undefined) return "NilClass";
  if (Array.isArray(value)) return "Array";
  if (value instanceof Date) return "Date";
  if (isHash(value)) return "Hash";
  if (typeof value === "string") return "String";
  if (typeof value === "boolean") return value ? "TrueClass" : "FalseClass";
  if (isInteger(value)) return "Integer";
  return "Float";
}

/** `validate_type!`: fails with `should be a string or a hash` etc. unless value has one of the types. */
export function validateType(scope: Scope, value: unknown, ...types: RubyClass[]): void {
  if (!types.some((type) => validType(value, type))) typeError(scope, ...types);
}

/** `type_error`: `should be an array or a string`. */
export function typeError(scope: Scope, ...types: RubyClass[]): never {
  const descriptions = [...new Set(types.map(typeDescription))];
  fail(scope, `should be ${descriptions.join(" or ")}`);
}

/** Options for validateAgainstExample. */
export interface ExampleOptions {
  /** Root only: `x-` keys are extensions, not unknown keys. */
  readonly allowExtensions?: boolean;
  /** Root only: Kamal symbolizes root keys, so its `key == :servers` test matches only there. */
  readonly root?: boolean;
}

/** `validate_against_example!`: type, unknown keys and per-key checks against the docs example. */
export function validateAgainstExample(
  scope: Scope,
  config: unknown,
  example: unknown,
  options: ExampleOptions = {},
): void {
  validateType(scope, config, rubyClassOf(example));
  if (!isHash(example) || !isHash(config)) return;
  checkUnknownKeys(scope, config, example, options.allowExtensions ?? false);
  for (const [key, value] of Object.entries(config)) {
    if (isExtension(key)) continue;
    const inner = within(scope, key);
    const exampleValue = getOwn(example, key);
    if (exampleValue === "...") {
      if (!(key === "proxy" && typeof value === "boolean")) {
        validateType(inner, value, ...(key === "servers" && options.root ? (["Array"] as const) : []), "Hash");
      }
    } else if (key === "ssl") {
      validateType(inner, value, "TrueClass", "FalseClass", "Hash");
    } else if (key === "hooks_output") {
      validateHooksOutput(inner, value);
    } else if (key === "hosts" && !options.root) {
      validateServers(inner, value);
    } else if (Array.isArray(exampleValue)) {
      const itemType = rubyClassOf(exampleValue[0]);
      if (key === "arch") validateArrayOfOrType(inner, value, itemType);
      else if (key === "config") validateSshConfig(inner, value);
      else if (key === "files" || key === "directories") validatePaths(inner, value);
      else validateArrayOf(inner, value, itemType);
    } else if (isHash(exampleValue)) {
      if (key === "options" || key === "args" || key === "additional_contexts") validateType(inner, value, "Hash");
      else if (key === "labels") validateHashOf(inner, value, rubyClassOf(Object.values(exampleValue)[0]));
      else validateAgainstExample(inner, value, exampleValue);
    } else {
      validateType(inner, value, rubyClassOf(exampleValue));
    }
  }
}

/**
 * A section's `validate!` against its docs example (Kamal's `validate!(config, example: …)`). An empty hash
 * only needs the type check (every example here is a hash, except alias), so the doc is not even read for it.
 */
export function validateSection(scope: Scope, value: unknown, example: ExampleName): void {
  if (example !== "alias" && isHash(value) && Object.keys(value).length === 0) return;
  validateAgainstExample(scope, value, configExample(example));
}

/** `validate_array_of!`. */
export function validateArrayOf(scope: Scope, value: unknown, type: RubyClass): void {
  validateType(scope, value, "Array");
  (value as unknown[]).forEach((item, index) => {
    validateType(within(scope, index), item, type);
  });
}

/** `validate_hash_of!`. */
export function validateHashOf(scope: Scope, value: unknown, type: RubyClass): void {
  validateType(scope, value, "Hash");
  for (const [key, item] of Object.entries(value as RubyHash)) validateType(within(scope, key), item, type);
}

/** `validate_servers!`: a list of hosts, each a string or a one-key hash `{host: tag | [tags]}`. */
export function validateServers(scope: Scope, servers: unknown): void {
  validateType(scope, servers, "Array");
  (servers as unknown[]).forEach((server, index) => {
    const inner = within(scope, index);
    validateType(inner, server, "String", "Hash");
    if (isHash(server)) {
      const entries = Object.entries(server);
      if (entries.length !== 1) fail(inner, "multiple hosts found");
      const [host, tags] = entries[0]!;
      const tagScope = within(inner, host);
      validateType(tagScope, tags, "String", "Array");
      if (Array.isArray(tags)) validateArrayOf(tagScope, tags, "String");
    }
  });
}

/** `validate_labels!`: `destination`, `role` and `service` are reserved. */
export function validateLabels(scope: Scope, labels: unknown): void {
  if (isBlank(labels) || !isHash(labels)) return;
  const inner = within(scope, "labels");
  for (const key of Object.keys(labels)) {
    if (key === "destination" || key === "role" || key === "service") {
      fail(within(inner, key), "invalid label. destination, role, and service are reserved labels");
    }
  }
}

/** `validate_docker_options!`: a `restart` option must be a valid Docker restart policy. */
export function validateDockerOptions(scope: Scope, options: unknown): void {
  if (!isHash(options)) return;
  const entry = Object.entries(options).find(([key]) => key === "restart");
  if (!entry) return;
  const inner = within(within(scope, "options"), "restart");
  const policy = entry[1];
  if (typeof policy !== "string") fail(inner, 'should be a string. Use "no" to disable restarts');
  if (!/^(?:no|always|unless-stopped|on-failure(?::\d+)?)$/.test(policy)) {
    fail(inner, "should be no, always, unless-stopped, on-failure, or on-failure:N");
  }
}

/** True for `x-` extension keys. */
export function isExtension(key: string): boolean {
  return key.startsWith("x-");
}

function checkUnknownKeys(scope: Scope, config: RubyHash, example: RubyHash, allowExtensions: boolean): void {
  const unknown = Object.keys(config).filter((key) => !hasOwn(example, key) && !(allowExtensions && isExtension(key)));
  if (unknown.length > 0) unknownKeysError(scope, unknown);
}

/** `unknown_keys_error`: `unknown key: foo` / `unknown keys: foo, bar` (located at the first one). */
export function unknownKeysError(scope: Scope, keys: readonly string[]): never {
  fail(scope, `unknown ${keys.length === 1 ? "key" : "keys"}: ${keys.join(", ")}`, [...scope.path, keys[0]!]);
}

function validateArrayOfOrType(scope: Scope, value: unknown, type: RubyClass): void {
  try {
    if (Array.isArray(value)) validateArrayOf(scope, value, type);
    else validateType(scope, value, type);
  } catch (error) {
    if (error instanceof ConfigError) typeError(scope, "Array", type);
    throw error;
  }
}

function validateSshConfig(scope: Scope, value: unknown): void {
  if (Array.isArray(value)) validateArrayOf(scope, value, "String");
  else if (typeof value !== "boolean" && typeof value !== "string") {
    typeError(scope, "TrueClass", "FalseClass", "String", "Array");
  }
}

function validatePaths(scope: Scope, paths: unknown): void {
  validateType(scope, paths, "Array");
  (paths as unknown[]).forEach((path, index) => {
    const inner = within(scope, index);
    validateType(inner, path, "String", "Hash");
    if (isHash(path)) {
      for (const key of ["local", "remote", "mode", "owner", "options"]) {
        if (hasOwn(path, key)) validateType(within(inner, key), path[key], "String");
      }
    }
  });
}

function validateHooksOutput(scope: Scope, value: unknown): void {
  if (isHash(value)) {
    for (const [hook, level] of Object.entries(value)) validateType(within(scope, hook), level, "String", "Symbol");
  } else {
    validateType(scope, value, "String", "Symbol");
  }
}

function validType(value: unknown, type: RubyClass): boolean {
  const actual = rubyClassOf(value);
  if (actual === type) return true;
  if (type === "String") return actual === "Integer" || actual === "Float" || typeof value === "boolean";
  if (type === "TrueClass" || type === "FalseClass") return typeof value === "boolean";
  return false;
}

function typeDescription(type: RubyClass): string {
  if (type === "Integer" || type === "Array") return `an ${type.toLowerCase()}`;
  if (type === "TrueClass" || type === "FalseClass") return "a boolean";
  return `a ${type.toLowerCase()}`;
}
