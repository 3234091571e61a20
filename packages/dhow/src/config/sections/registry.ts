/**
 * @module
 * `registry:` (root and per accessory): server, and credentials that may name secrets. A `localhost:PORT`
 * server is Kamal's local registry mode. Kamal's `Configuration::Registry`.
 */
import type { Secrets } from "../../secrets/secrets.js";
import type { RawRegistry } from "../raw-config.js";
import { isPlainObject } from "../ruby.js";

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
  const section: RawRegistry = isPlainObject(raw) ? raw : {};
  const server = section.server ?? undefined;
  // Kamal matches "^localhost[:$]": a colon (or a literal `$`) must follow, so a bare `localhost` is not local.
  const local = server !== undefined && /^localhost[:$]/.test(String(server));
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
