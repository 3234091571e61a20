// The kamal-proxy state file (§2.5): JSON array of services, Go field names, nanosecond durations; read per service
// (one bad entry never discards the rest) and written atomically (temp file + fsync + rename + dir fsync).
import { closeSync, copyFileSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import type { PauseControllerJson } from "./pause-controller.js";
import type { RolloutControllerJson } from "./rollout-controller.js";
import {
  defaultServiceOptions,
  defaultTargetOptions,
  normalizeServiceOptions,
  type ServiceOptions,
  type TargetOptions,
} from "./service-options.js";

/** A service as saved: everything needed to rebuild it without probing. */
export interface SavedService {
  name: string;
  options: ServiceOptions;
  targetOptions: TargetOptions;
  activeTargets: string[];
  activeReaders: string[];
  rolloutTargets: string[];
  rolloutReaders: string[];
  pause: PauseControllerJson | null;
  rollout: RolloutControllerJson | null;
}

/** One state-file entry: decoded, or kept raw with the reason it could not be. */
export type StateEntry =
  | { readonly ok: true; readonly service: SavedService }
  | { readonly ok: false; readonly name: string; readonly error: string; readonly raw: unknown };

const NS_PER_MS = 1e6;

/** The failure name of a state file that could not be read as a whole (list shows it as a row). */
export const WHOLE_FILE = "*";

/** Parse state-file text. A file that is not a JSON array is one failed entry named "*". */
export function parseState(text: string): StateEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return [
      { ok: false, name: WHOLE_FILE, error: `state file is not valid JSON: ${(error as Error).message}`, raw: null },
    ];
  }
  if (data === null) return [];
  if (!Array.isArray(data))
    return [{ ok: false, name: WHOLE_FILE, error: "state file is not a JSON array", raw: data }];
  return data.map((raw, index) => {
    const name = isObject(raw) && typeof raw.name === "string" ? raw.name : `#${index}`;
    try {
      return { ok: true, service: decodeService(raw) };
    } catch (error) {
      return { ok: false, name, error: (error as Error).message, raw };
    }
  });
}

/** Decode one service entry, accepting the 0.8.x legacy keys (active_target, rollout_target, hosts, path_prefixes). */
export function decodeService(raw: unknown): SavedService {
  const entry = object(raw, "service");
  const name = string(entry.name, "name");
  if (name === "") throw new Error("name: must not be empty");
  const o = entry.options === undefined || entry.options === null ? {} : object(entry.options, "options");
  const t =
    entry.target_options === undefined || entry.target_options === null
      ? {}
      : object(entry.target_options, "target_options");
  const base = defaultServiceOptions();
  const options: ServiceOptions = {
    hosts: strings(o.hosts, "options.hosts") ?? [],
    pathPrefixes: strings(o.path_prefixes, "options.path_prefixes") ?? [],
    tlsEnabled: bool(o.tls_enabled, "options.tls_enabled") ?? base.tlsEnabled,
    tlsCertificatePath: optString(o.tls_certificate_path, "options.tls_certificate_path") ?? "",
    tlsPrivateKeyPath: optString(o.tls_private_key_path, "options.tls_private_key_path") ?? "",
    tlsOnDemandUrl: optString(o.tls_on_demand_url, "options.tls_on_demand_url") ?? "",
    tlsRedirect: bool(o.tls_redirect, "options.tls_redirect") ?? false,
    canonicalHost: optString(o.canonical_host, "options.canonical_host") ?? "",
    acmeDirectory: optString(o.acme_directory, "options.acme_directory") ?? "",
    acmeCachePath: optString(o.acme_cache_path, "options.acme_cache_path") ?? "",
    errorPagePath: optString(o.error_page_path, "options.error_page_path") ?? "",
    stripPrefix: bool(o.strip_prefix, "options.strip_prefix") ?? false,
    writerAffinityTimeoutMs: nanos(o.writer_affinity_timeout, "options.writer_affinity_timeout") ?? 0,
    readTargetsAcceptWebsockets:
      bool(o.read_targets_accept_websockets, "options.read_targets_accept_websockets") ?? false,
    excludeMetricsPaths: strings(o.exclude_metrics_paths, "options.exclude_metrics_paths") ?? [],
    clientIpHeader: optString(o.client_ip_header, "options.client_ip_header") ?? "",
  };
  const legacyHosts = strings(entry.hosts, "hosts");
  if (options.hosts.length === 0 && legacyHosts && legacyHosts.length > 0) options.hosts = legacyHosts;
  const legacyPrefixes = strings(entry.path_prefixes, "path_prefixes");
  if (options.pathPrefixes.length === 0 && legacyPrefixes && legacyPrefixes.length > 0) {
    options.pathPrefixes = legacyPrefixes;
  }

  const hc =
    t.health_check_config === undefined || t.health_check_config === null
      ? {}
      : object(t.health_check_config, "target_options.health_check_config");
  const tbase = defaultTargetOptions();
  const targetOptions: TargetOptions = {
    healthCheck: {
      path: optString(hc.path, "health_check_config.path") ?? tbase.healthCheck.path,
      port: int(hc.port, "health_check_config.port") ?? 0,
      intervalMs: nanos(hc.interval, "health_check_config.interval") ?? tbase.healthCheck.intervalMs,
      timeoutMs: nanos(hc.timeout, "health_check_config.timeout") ?? tbase.healthCheck.timeoutMs,
      host: optString(hc.host, "health_check_config.host") ?? "",
    },
    responseTimeoutMs: nanos(t.response_timeout, "target_options.response_timeout") ?? tbase.responseTimeoutMs,
    bufferRequests: bool(t.buffer_requests, "target_options.buffer_requests") ?? false,
    bufferResponses: bool(t.buffer_responses, "target_options.buffer_responses") ?? false,
    maxMemoryBufferSize:
      int(t.max_memory_buffer_size, "target_options.max_memory_buffer_size") ?? tbase.maxMemoryBufferSize,
    maxRequestBodySize: int(t.max_request_body_size, "target_options.max_request_body_size") ?? 0,
    maxResponseBodySize: int(t.max_response_body_size, "target_options.max_response_body_size") ?? 0,
    logRequestHeaders: strings(t.log_request_headers, "target_options.log_request_headers") ?? [],
    logResponseHeaders: strings(t.log_response_headers, "target_options.log_response_headers") ?? [],
    forwardHeaders: bool(t.forward_headers, "target_options.forward_headers") ?? false,
    scopeCookiePaths: bool(t.scope_cookie_paths, "target_options.scope_cookie_paths") ?? false,
  };

  let activeTargets = strings(entry.active_targets, "active_targets") ?? [];
  const legacyActive = optString(entry.active_target, "active_target");
  if (activeTargets.length === 0 && legacyActive) activeTargets = [legacyActive];
  let rolloutTargets = strings(entry.rollout_targets, "rollout_targets") ?? [];
  const legacyRollout = optString(entry.rollout_target, "rollout_target");
  if (rolloutTargets.length === 0 && legacyRollout) rolloutTargets = [legacyRollout];
  if (activeTargets.length === 0) throw new Error("active_targets: no targets");

  const pause = entry.pause_controller === undefined || entry.pause_controller === null ? null : entry.pause_controller;
  if (pause !== null) object(pause, "pause_controller");
  const rollout =
    entry.rollout_controller === undefined || entry.rollout_controller === null ? null : entry.rollout_controller;
  if (rollout !== null) object(rollout, "rollout_controller");

  return {
    name,
    options: normalizeServiceOptions(options),
    targetOptions,
    activeTargets,
    activeReaders: strings(entry.active_readers, "active_readers") ?? [],
    rolloutTargets,
    rolloutReaders: strings(entry.rollout_readers, "rollout_readers") ?? [],
    pause: pause as PauseControllerJson | null,
    rollout: rollout as RolloutControllerJson | null,
  };
}

/** Encode a service with kamal-proxy 0.9.x field names (readable by kamal-proxy itself). */
export function encodeService(service: SavedService): Record<string, unknown> {
  const o = service.options;
  const t = service.targetOptions;
  return {
    name: service.name,
    options: {
      hosts: o.hosts,
      path_prefixes: o.pathPrefixes,
      tls_enabled: o.tlsEnabled,
      tls_certificate_path: o.tlsCertificatePath,
      tls_private_key_path: o.tlsPrivateKeyPath,
      tls_on_demand_url: o.tlsOnDemandUrl,
      tls_redirect: o.tlsRedirect,
      canonical_host: o.canonicalHost,
      acme_directory: o.acmeDirectory,
      acme_cache_path: o.acmeCachePath,
      error_page_path: o.errorPagePath,
      strip_prefix: o.stripPrefix,
      writer_affinity_timeout: toNanos(o.writerAffinityTimeoutMs),
      read_targets_accept_websockets: o.readTargetsAcceptWebsockets,
      exclude_metrics_paths: o.excludeMetricsPaths.length > 0 ? o.excludeMetricsPaths : null,
      client_ip_header: o.clientIpHeader,
    },
    target_options: {
      health_check_config: {
        path: t.healthCheck.path,
        port: t.healthCheck.port,
        interval: toNanos(t.healthCheck.intervalMs),
        timeout: toNanos(t.healthCheck.timeoutMs),
        host: t.healthCheck.host,
      },
      response_timeout: toNanos(t.responseTimeoutMs),
      buffer_requests: t.bufferRequests,
      buffer_responses: t.bufferResponses,
      max_memory_buffer_size: t.maxMemoryBufferSize,
      max_request_body_size: t.maxRequestBodySize,
      max_response_body_size: t.maxResponseBodySize,
      log_request_headers: t.logRequestHeaders.length > 0 ? t.logRequestHeaders : null,
      log_response_headers: t.logResponseHeaders.length > 0 ? t.logResponseHeaders : null,
      forward_headers: t.forwardHeaders,
      scope_cookie_paths: t.scopeCookiePaths,
    },
    active_targets: service.activeTargets,
    active_readers: service.activeReaders,
    rollout_targets: service.rolloutTargets.length > 0 ? service.rolloutTargets : null,
    rollout_readers: service.rolloutTargets.length > 0 ? service.rolloutReaders : null,
    pause_controller: service.pause ?? { state: 0, stop_message: "", fail_after: 0 },
    rollout_controller: service.rollout,
  };
}

/** Read the state file; a missing file is an empty state. */
export function readStateFile(path: string): StateEntry[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    return [{ ok: false, name: WHOLE_FILE, error: `unable to read ${path}: ${(error as Error).message}`, raw: null }];
  }
  return parseState(text);
}

/** The name of the file a corrupt state file is copied to: `<state>.corrupt-<UTC yyyymmddThhmmssZ>`. */
export function corruptBackupPath(path: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `${path}.corrupt-${stamp}`;
}

/**
 * Keep a copy of a state file that could not be read as a whole (truncated, not JSON, not an array) before anything
 * overwrites it. Returns the copy's path; throws when the copy could not be made.
 */
export function backupCorruptStateFile(path: string, now = new Date()): string {
  const backup = corruptBackupPath(path, now);
  copyFileSync(path, backup);
  return backup;
}

/** Write `text` to `path` atomically: temp file in the same dir, fsync, rename over, fsync the directory. */
export function writeFileAtomically(path: string, text: string): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`);
  const fd = openSync(temp, "w", 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
  try {
    const dirFd = openSync(dir, "r");
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  } catch {
    // Some filesystems refuse fsync on directories; the rename itself is still atomic.
  }
}

function toNanos(ms: number): number {
  return Math.round(ms * NS_PER_MS);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function object(value: unknown, key: string): Record<string, unknown> {
  if (!isObject(value)) throw new Error(`${key}: expected an object`);
  return value;
}

function string(value: unknown, key: string): string {
  if (typeof value !== "string") throw new Error(`${key}: expected a string`);
  return value;
}

function optString(value: unknown, key: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  return string(value, key);
}

function bool(value: unknown, key: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw new Error(`${key}: expected true or false`);
  return value;
}

function int(value: unknown, key: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value)) throw new Error(`${key}: expected an integer`);
  return value;
}

function nanos(value: unknown, key: string): number | undefined {
  const n = int(value, key);
  return n === undefined ? undefined : n / NS_PER_MS;
}

function strings(value: unknown, key: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    throw new Error(`${key}: expected a list of strings`);
  }
  return value as string[];
}
