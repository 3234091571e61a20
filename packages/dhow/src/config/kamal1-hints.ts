/**
 * @module
 * Kamal 1 configs (Traefik, root `healthcheck:`, `builder.multiarch`, builder `local:`/`remote:` hashes)
 * fail Kamal 2's validation with terse messages such as `unknown key: traefik`. dhow keeps Kamal's wording
 * and appends what to change, so a Kamal 1 user knows how to migrate.
 */
import { ConfigError } from "../errors.js";
import { isHash, type RubyHash } from "../ruby.js";

/** The marker every migration hint starts with. */
export const KAMAL1_HINT_PREFIX = "Kamal 1 → 2:";

const ROOT_HINTS: Record<string, string> = {
  traefik:
    "Kamal 2 replaced Traefik with kamal-proxy: move host, TLS and port settings from `traefik:` to `proxy:` " +
    "(host, ssl, app_port; see `dhow docs proxy`), Traefik args and labels have no equivalent",
  healthcheck:
    "move the root `healthcheck:` to `proxy: healthcheck:` (path, interval, timeout); roles without a proxy use " +
    "`readiness_delay` and `deploy_timeout`",
  stop_wait_time: "`stop_wait_time` is now `drain_timeout`",
};

/** Returns `error` with a migration hint appended when it comes from a Kamal 1 setting, else `error`. */
export function withKamal1Hint(error: ConfigError, raw: RubyHash): ConfigError {
  const hints = hintsFor(error, raw);
  if (hints.length === 0) return error;
  const message = `${messageWithoutLocation(error)}. ${KAMAL1_HINT_PREFIX} ${hints.join("; ")}`;
  return new ConfigError(message, {
    ...(error.keyPath === undefined ? {} : { keyPath: error.keyPath }),
    ...(error.location === undefined ? {} : { location: error.location }),
    cause: error,
  });
}

function hintsFor(error: ConfigError, raw: RubyHash): string[] {
  const message = messageWithoutLocation(error);
  const unknown = /^(?:(.*): )?unknown keys?: (.*)$/.exec(message);
  if (unknown) {
    const context = unknown[1] ?? "";
    const keys = (unknown[2] ?? "").split(", ");
    if (context === "") return keys.flatMap((key) => (ROOT_HINTS[key] ? [ROOT_HINTS[key]] : []));
    if (context === "builder" && keys.includes("multiarch")) {
      return ["`builder: multiarch:` is gone: list the platforms in `builder: arch:` (amd64, arm64 or both)"];
    }
    if (/^servers\/[^/]+$/.test(context) && keys.includes("traefik")) {
      return ["per-role `traefik:` is gone: use `proxy: true` (or a proxy hash) on the role"];
    }
    return [];
  }
  const builder = isHash(raw.builder) ? raw.builder : undefined;
  const kamal1Builder = (value: unknown) => isHash(value) && ("arch" in value || "host" in value);
  if (
    /^builder\/(local|remote): should be/.test(message) &&
    (kamal1Builder(builder?.local) || kamal1Builder(builder?.remote))
  ) {
    return [
      "the `builder: local:`/`remote:` hashes (arch, host) are gone: set `builder: arch:` and, for a remote " +
        "builder, `builder: remote: ssh://user@host`",
    ];
  }
  if (message === "builder: Builder arch not set") {
    return ["Kamal 2 requires `builder: arch:` (e.g. `arch: amd64`); Kamal 1 built for amd64 and arm64 by default"];
  }
  return [];
}

/** The message as built, without the ` (file:line:col)` suffix ConfigError appends. */
export function messageWithoutLocation(error: ConfigError): string {
  if (!error.location) return error.message;
  const suffix = new ConfigError("", { location: error.location }).message;
  return error.message.endsWith(suffix) ? error.message.slice(0, -suffix.length) : error.message;
}
