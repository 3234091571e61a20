// Service, target and deployment options: the settings a deploy carries, their defaults, normalisation and validation.
import {
  DEFAULT_DEPLOY_TIMEOUT_MS,
  DEFAULT_DRAIN_TIMEOUT_MS,
  DEFAULT_HEALTH_CHECK_INTERVAL_MS,
  DEFAULT_HEALTH_CHECK_PATH,
  DEFAULT_HEALTH_CHECK_PORT,
  DEFAULT_HEALTH_CHECK_TIMEOUT_MS,
  DEFAULT_MAX_MEMORY_BUFFER_SIZE,
  DEFAULT_MAX_REQUEST_BODY_SIZE,
  DEFAULT_MAX_RESPONSE_BODY_SIZE,
  DEFAULT_TARGET_TIMEOUT_MS,
  DEFAULT_WRITER_AFFINITY_TIMEOUT_MS,
} from "../defaults.js";
import { ServiceOptionsInvalidError } from "../errors.js";

export const ROOT_PATH = "/";

/** How a target's health is probed. */
export interface HealthCheckConfig {
  path: string;
  /** 0 means the target's own port. */
  port: number;
  intervalMs: number;
  timeoutMs: number;
  /** Host header for probes; "" keeps the target address. */
  host: string;
}

/** Per-target proxying settings (kamal-proxy's TargetOptions). */
export interface TargetOptions {
  healthCheck: HealthCheckConfig;
  /** Time to the first response header from the target. */
  responseTimeoutMs: number;
  bufferRequests: boolean;
  bufferResponses: boolean;
  maxMemoryBufferSize: number;
  /** 0 means unlimited. */
  maxRequestBodySize: number;
  /** 0 means unlimited. */
  maxResponseBodySize: number;
  logRequestHeaders: string[];
  logResponseHeaders: string[];
  forwardHeaders: boolean;
  scopeCookiePaths: boolean;
}

/** Per-service routing, TLS and behaviour settings (kamal-proxy's ServiceOptions). */
export interface ServiceOptions {
  hosts: string[];
  pathPrefixes: string[];
  tlsEnabled: boolean;
  tlsCertificatePath: string;
  tlsPrivateKeyPath: string;
  tlsOnDemandUrl: string;
  tlsRedirect: boolean;
  canonicalHost: string;
  /** "" means Let's Encrypt production. */
  acmeDirectory: string;
  acmeCachePath: string;
  errorPagePath: string;
  stripPrefix: boolean;
  writerAffinityTimeoutMs: number;
  readTargetsAcceptWebsockets: boolean;
  excludeMetricsPaths: string[];
  clientIpHeader: string;
}

/** How a deploy waits and drains. */
export interface DeploymentOptions {
  deployTimeoutMs: number;
  drainTimeoutMs: number;
  force: boolean;
}

/** The defaults kamal-proxy's deploy flags carry. */
export function defaultServiceOptions(): ServiceOptions {
  return {
    hosts: [],
    pathPrefixes: [],
    tlsEnabled: false,
    tlsCertificatePath: "",
    tlsPrivateKeyPath: "",
    tlsOnDemandUrl: "",
    tlsRedirect: true,
    canonicalHost: "",
    acmeDirectory: "",
    acmeCachePath: "",
    errorPagePath: "",
    stripPrefix: true,
    writerAffinityTimeoutMs: DEFAULT_WRITER_AFFINITY_TIMEOUT_MS,
    readTargetsAcceptWebsockets: false,
    excludeMetricsPaths: [],
    clientIpHeader: "",
  };
}

/** The defaults kamal-proxy's deploy flags carry for targets. */
export function defaultTargetOptions(): TargetOptions {
  return {
    healthCheck: {
      path: DEFAULT_HEALTH_CHECK_PATH,
      port: DEFAULT_HEALTH_CHECK_PORT,
      intervalMs: DEFAULT_HEALTH_CHECK_INTERVAL_MS,
      timeoutMs: DEFAULT_HEALTH_CHECK_TIMEOUT_MS,
      host: "",
    },
    responseTimeoutMs: DEFAULT_TARGET_TIMEOUT_MS,
    bufferRequests: false,
    bufferResponses: false,
    maxMemoryBufferSize: DEFAULT_MAX_MEMORY_BUFFER_SIZE,
    maxRequestBodySize: DEFAULT_MAX_REQUEST_BODY_SIZE,
    maxResponseBodySize: DEFAULT_MAX_RESPONSE_BODY_SIZE,
    logRequestHeaders: [],
    logResponseHeaders: [],
    forwardHeaders: true,
    scopeCookiePaths: false,
  };
}

/** The defaults of the deploy timing flags. */
export function defaultDeploymentOptions(): DeploymentOptions {
  return { deployTimeoutMs: DEFAULT_DEPLOY_TIMEOUT_MS, drainTimeoutMs: DEFAULT_DRAIN_TIMEOUT_MS, force: false };
}

/** An empty host list means the catch-all host "". */
export function normalizeHosts(hosts: readonly string[]): string[] {
  return hosts.length === 0 ? [""] : [...hosts];
}

/** Path prefixes become "/" + trim(p, "/"); an empty list means "/". */
export function normalizePathPrefixes(prefixes: readonly string[]): string[] {
  if (prefixes.length === 0) return [ROOT_PATH];
  return prefixes.map((prefix) => `/${prefix.replace(/^\/+|\/+$/g, "")}`);
}

/** Return options with hosts and prefixes normalised (kamal-proxy's Normalize). */
export function normalizeServiceOptions(options: ServiceOptions): ServiceOptions {
  return {
    ...options,
    hosts: normalizeHosts(options.hosts),
    pathPrefixes: normalizePathPrefixes(options.pathPrefixes),
  };
}

/** True when the service has real hosts rather than the catch-all. */
export function hasConfiguredHosts(options: ServiceOptions): boolean {
  return options.hosts.length > 0 && !options.hosts.includes("");
}

/**
 * Check option combinations (kamal-proxy's ServiceOptions.Validate). As in v0.9.2, `--tls` without `--host` is
 * accepted: a catch-all TLS service with a custom certificate is a documented use (kamal PR #1925).
 */
export function validateServiceOptions(input: ServiceOptions): void {
  const options = normalizeServiceOptions(input);
  const invalid = (message: string) => new ServiceOptionsInvalidError(message);
  if (options.tlsOnDemandUrl !== "" && !options.tlsEnabled) {
    throw invalid("TLS must be enabled to use a TLS on-demand URL");
  }
  if (options.tlsEnabled) {
    if (options.tlsOnDemandUrl !== "") {
      if (hasConfiguredHosts(options)) throw invalid("cannot set hosts when using a TLS on-demand URL");
      if (options.tlsCertificatePath !== "" || options.tlsPrivateKeyPath !== "") {
        throw invalid("cannot use a custom TLS certificate with a TLS on-demand URL");
      }
      if (options.canonicalHost !== "") throw invalid("cannot set a canonical host when using a TLS on-demand URL");
      validateOnDemandUrl(options.tlsOnDemandUrl);
    }
    if (!options.pathPrefixes.includes(ROOT_PATH)) {
      throw invalid("TLS settings must be specified on the root path service");
    }
  }
  if ((options.tlsCertificatePath === "") !== (options.tlsPrivateKeyPath === "")) {
    throw invalid("tls-certificate-path and tls-private-key-path must be set together");
  }
  if (options.canonicalHost !== "" && hasConfiguredHosts(options) && !options.hosts.includes(options.canonicalHost)) {
    throw invalid(
      `canonical-host '${options.canonicalHost}' must be present in the hosts list: [${options.hosts.join(" ")}]`,
    );
  }
  for (const host of options.hosts) {
    if (/[\s/]/.test(host) || (host.includes("*") && !/^\*\.[^*]+$/.test(host))) {
      throw invalid(`invalid host '${host}': wildcards must be of the form *.example.com`);
    }
  }
}

function validateOnDemandUrl(url: string): void {
  if (url.startsWith("/")) return;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ServiceOptionsInvalidError(`TLS on-demand URL must be a path or an absolute http(s) URL: ${url}`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new ServiceOptionsInvalidError(`TLS on-demand URL must be a path or an absolute http(s) URL: ${url}`);
  }
}
