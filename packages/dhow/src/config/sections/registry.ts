/**
 * @module
 * `registry:` (root and per accessory): server, and credentials that may name secrets. A `localhost:PORT`
 * server is Kamal's local registry mode. Kamal's `Configuration::Registry`.
 */
import type { Secrets } from "../../secrets/secrets.js";
import type { RawRegistry } from "../raw-config.js";
import { getOwn, isHash, isPresent, isTruthy, type RubyHash, setOwn } from "../../ruby.js";
import { configExample } from "../config-docs.js";
import { fail, type Scope, validateAgainstExample, validateType, within } from "../validator.js";

/** A resolved registry section. */
export interface RegistryConfig {
  readonly server: string | undefined;
  /** `server` is `localhost` or `localhost:PORT`: a registry run on the deploying machine. */
  readonly local: boolean;
  /** The port of a local registry: the number after the last `:` of the server (0 without one). */
  readonly localPort: number;
  /** The username (looked up in secrets when written as `[SECRET_NAME]`). */
  username(): string;
  /** The password (looked up in secrets when written as `[SECRET_NAME]`). */
  password(): string;
}

/** Resolves a registry section. */
export function createRegistry(raw: RawRegistry | undefined, secrets: Pick<Secrets, "get">): RegistryConfig {
  const section: RawRegistry = isHash(raw) ? raw : {};
  const server = section.server ?? undefined;
  const local = server !== undefined && isLocalRegistry(String(server));
  const lookup = (value: string | readonly string[] | undefined): string => {
    if (Array.isArray(value)) return secrets.get(String(value[0]));
    return value === undefined || value === null ? "" : String(value);
  };
  return {
    server,
    local,
    localPort:
      Number.parseInt(
        String(server ?? "")
          .split(":")
          .at(-1) ?? "",
        10,
      ) || 0,
    username: () => lookup(section.username),
    password: () => lookup(section.password),
  };
}

/**
 * Kamal's local-registry test, `server.to_s.match?("^localhost[:$]")`: a colon (or a literal `$`) must
 * follow, so a bare `localhost` is not local; Ruby's `^` matches at any line start.
 */
export function isLocalRegistry(server: unknown): boolean {
  return typeof server === "string" && /^localhost[:$]/m.test(server);
}

/**
 * Kamal's `Validator::Registry`: the docs/registry.yml example for every key but the credentials, which
 * must be present (unless the registry is local) and a string or a one-secret array.
 */
export function validateRegistry(scope: Scope, config: unknown): void {
  const registry = isTruthy(config) ? config : {};
  validateType(scope, registry, "Hash");
  const hash = registry as RubyHash;
  const special = new Set(["username", "password"]);
  const rest: RubyHash = {};
  for (const [key, value] of Object.entries(hash)) if (!special.has(key)) setOwn(rest, key, value);
  const example: RubyHash = {};
  const registryExample = configExample("registry") as RubyHash;
  for (const [key, value] of Object.entries(registryExample)) if (!special.has(key)) setOwn(example, key, value);
  validateAgainstExample(scope, rest, example);
  for (const key of ["username", "password"]) {
    const inner = within(scope, key);
    const value = getOwn(hash, key);
    if (isLocalRegistry(getOwn(hash, "server"))) continue;
    if (!isPresent(value)) fail(inner, "is required");
    const oneSecret = Array.isArray(value) && value.length === 1 && typeof value[0] === "string";
    if (typeof value !== "string" && !oneSecret) {
      fail(inner, "should be a string or an array with one string (for secret lookup)");
    }
  }
}
