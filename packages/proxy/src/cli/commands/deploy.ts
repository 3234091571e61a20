// `deploy <service>`: every kamal-proxy flag (§1.2) with its default, validated client-side as kamal-proxy does.
import type { Command } from "commander";
import {
  ACME_STAGING_DIRECTORY_URL,
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
} from "../../defaults.js";
import type { DeployRequest } from "../../server/router.js";
import {
  normalizeHosts,
  normalizePathPrefixes,
  ROOT_PATH,
  type ServiceOptions,
  type TargetOptions,
} from "../../server/service-options.js";
import type { CliContext } from "../context.js";
import { formatDuration } from "../../duration.js";
import { certificatePath } from "../paths.js";
import { collectSlice, durationFlag, intFlag, UsageError } from "../pflag.js";
import { addBoolean, changed } from "./options.js";

/** Register `deploy`. */
export function registerDeploy(program: Command, ctx: CliContext): void {
  const cmd = program
    .command("deploy")
    .description("Deploy a target host")
    .argument("<service>", "service name")
    .option("--target <host:port>", "Target host(s) to deploy", collectSlice, [])
    .option("--read-target <host:port>", "Read-only target host(s) to deploy", collectSlice, [])
    .option("--host <host>", "Host(s) to serve this target on (empty for wildcard)", collectSlice, [])
    .option("--path-prefix <path>", "Deploy the service below the specified path(s)", collectSlice, []);
  addBoolean(cmd, "strip-path-prefix", "With --path-prefix, strip prefix from request before forwarding", true);
  addBoolean(cmd, "tls", "Configure TLS for this target (requires a non-empty host)", false);
  addBoolean(cmd, "tls-staging", "Use Let's Encrypt staging environment for certificate provisioning", false);
  cmd
    .option("--tls-on-demand-url <url>", "Path or URL asked ?host= before issuing a certificate on demand", "")
    .option("--tls-certificate-path <path>", "Configure custom TLS certificate path (PEM format)", "")
    .option("--tls-private-key-path <path>", "Configure custom TLS private key path (PEM format)", "")
    .option("--tls-acme-cache-path <path>", "Path to store ACME certificates (default <data dir>/certs)", "")
    .option("--tls-acme-directory <url>", "ACME directory URL (dhow-proxy extension; default Let's Encrypt)", "");
  addBoolean(cmd, "tls-redirect", "Redirect HTTP traffic to HTTPS", true);
  cmd
    .option("--canonical-host <host>", "Redirect all other hosts to this one (must be one of --host)", "")
    .option(
      "--deploy-timeout <duration>",
      "Maximum time to wait for the new target to become healthy",
      formatDuration(DEFAULT_DEPLOY_TIMEOUT_MS),
    )
    .option(
      "--drain-timeout <duration>",
      "Maximum time to allow existing connections to drain before removing old target",
      formatDuration(DEFAULT_DRAIN_TIMEOUT_MS),
    );
  addBoolean(cmd, "force", "Skip waiting for the new targets to become healthy", false);
  cmd
    .option(
      "--health-check-interval <duration>",
      "Interval between health checks",
      formatDuration(DEFAULT_HEALTH_CHECK_INTERVAL_MS),
    )
    .option(
      "--health-check-timeout <duration>",
      "Time each health check must complete in",
      formatDuration(DEFAULT_HEALTH_CHECK_TIMEOUT_MS),
    )
    .option("--health-check-path <path>", "Path to check for health", DEFAULT_HEALTH_CHECK_PATH)
    .option(
      "--health-check-port <port>",
      "Port to check for health (default matches target port)",
      String(DEFAULT_HEALTH_CHECK_PORT),
    )
    .option("--health-check-host <host>", "Host header to send with health checks", "")
    .option(
      "--writer-affinity-timeout <duration>",
      "Time after a write before read requests will be routed to readers",
      formatDuration(DEFAULT_WRITER_AFFINITY_TIMEOUT_MS),
    );
  addBoolean(cmd, "read-target-websockets", "Route WebSocket traffic to read targets, when available", false);
  cmd.option(
    "--target-timeout <duration>",
    "Maximum time to wait for the target server to respond when serving requests",
    formatDuration(DEFAULT_TARGET_TIMEOUT_MS),
  );
  addBoolean(cmd, "buffer-requests", "Buffer requests before forwarding to target", false);
  addBoolean(cmd, "buffer-responses", "Buffer responses before forwarding to client", false);
  cmd
    .option("--buffer-memory <bytes>", "Max size of memory buffer", String(DEFAULT_MAX_MEMORY_BUFFER_SIZE))
    .option(
      "--max-request-body <bytes>",
      "Max size of request body when buffering (default of 0 means unlimited)",
      String(DEFAULT_MAX_REQUEST_BODY_SIZE),
    )
    .option(
      "--max-response-body <bytes>",
      "Max size of response body when buffering (default of 0 means unlimited)",
      String(DEFAULT_MAX_RESPONSE_BODY_SIZE),
    )
    .option("--error-pages <path>", "Path to custom error pages", "")
    .option(
      "--log-request-header <header>",
      "Additional request header to log (may be specified multiple times)",
      collectSlice,
      [],
    )
    .option(
      "--log-response-header <header>",
      "Additional response header to log (may be specified multiple times)",
      collectSlice,
      [],
    )
    .option("--exclude-metrics-path <path>", "Paths (after prefix stripping) left out of metrics", collectSlice, []);
  addBoolean(
    cmd,
    "forward-headers",
    "Forward X-Forwarded headers to target (default false if TLS enabled; otherwise true)",
    false,
  );
  cmd.option("--client-ip-header <header>", "Header holding the client IP (copied into X-Forwarded-For)", "");
  addBoolean(cmd, "scope-cookie-paths", "Scope Set-Cookie paths to the matched path prefix", false);

  cmd.action(async (service: string, _opts: unknown, command: Command) => {
    await ctx.call({ method: "deploy", params: buildDeployRequest(service, command, ctx.io.env) });
  });
}

/** Turn parsed deploy flags into the request sent to the proxy (kamal-proxy's preRun + run). */
export function buildDeployRequest(service: string, cmd: Command, env: NodeJS.ProcessEnv): DeployRequest {
  const o = cmd.opts<Record<string, string | string[] | boolean>>();
  const str = (key: string) => o[key] as string;
  const list = (key: string) => o[key] as string[];
  const flag = (key: string) => o[key] as boolean;

  if (list("target").length === 0) throw new UsageError('required flag(s) "target" not set');
  const hasCert = changed(cmd, "tlsCertificatePath");
  const hasKey = changed(cmd, "tlsPrivateKeyPath");
  if (hasCert !== hasKey) {
    throw new UsageError(
      `if any flags in the group [tls-certificate-path tls-private-key-path] are set they must all be set; missing [${hasCert ? "tls-private-key-path" : "tls-certificate-path"}]`,
    );
  }
  if (changed(cmd, "maxRequestBody") && !changed(cmd, "bufferRequests")) {
    throw new UsageError("max-request-body can only be set when request buffering is enabled");
  }
  if (changed(cmd, "maxResponseBody") && !changed(cmd, "bufferResponses")) {
    throw new UsageError("max-response-body can only be set when response buffering is enabled");
  }

  const tls = flag("tls");
  const serviceOptions: ServiceOptions = {
    hosts: normalizeHosts(list("host")),
    pathPrefixes: normalizePathPrefixes(list("pathPrefix")),
    tlsEnabled: tls,
    tlsCertificatePath: str("tlsCertificatePath"),
    tlsPrivateKeyPath: str("tlsPrivateKeyPath"),
    tlsOnDemandUrl: str("tlsOnDemandUrl"),
    tlsRedirect: flag("tlsRedirect"),
    canonicalHost: str("canonicalHost"),
    acmeDirectory: "",
    acmeCachePath: "",
    errorPagePath: str("errorPages"),
    stripPrefix: flag("stripPathPrefix"),
    writerAffinityTimeoutMs: durationFlag("writer-affinity-timeout", str("writerAffinityTimeout")),
    readTargetsAcceptWebsockets: flag("readTargetWebsockets"),
    excludeMetricsPaths: list("excludeMetricsPath"),
    clientIpHeader: str("clientIpHeader"),
  };
  if (tls) {
    if (!serviceOptions.pathPrefixes.includes(ROOT_PATH)) {
      throw new UsageError("TLS settings must be specified on the root path service");
    }
    serviceOptions.acmeCachePath = str("tlsAcmeCachePath") || certificatePath(env);
    if (flag("tlsStaging")) serviceOptions.acmeDirectory = ACME_STAGING_DIRECTORY_URL;
    if (str("tlsAcmeDirectory") !== "") serviceOptions.acmeDirectory = str("tlsAcmeDirectory");
  }
  const targetOptions: TargetOptions = {
    healthCheck: {
      path: str("healthCheckPath"),
      port: intFlag("health-check-port", str("healthCheckPort")),
      intervalMs: durationFlag("health-check-interval", str("healthCheckInterval")),
      timeoutMs: durationFlag("health-check-timeout", str("healthCheckTimeout")),
      host: str("healthCheckHost"),
    },
    responseTimeoutMs: durationFlag("target-timeout", str("targetTimeout")),
    bufferRequests: flag("bufferRequests"),
    bufferResponses: flag("bufferResponses"),
    maxMemoryBufferSize: intFlag("buffer-memory", str("bufferMemory")),
    maxRequestBodySize: intFlag("max-request-body", str("maxRequestBody")),
    maxResponseBodySize: intFlag("max-response-body", str("maxResponseBody")),
    logRequestHeaders: list("logRequestHeader"),
    logResponseHeaders: list("logResponseHeader"),
    forwardHeaders: changed(cmd, "forwardHeaders") ? flag("forwardHeaders") : !tls,
    scopeCookiePaths: flag("scopeCookiePaths"),
  };
  return {
    service,
    targets: list("target"),
    readers: list("readTarget"),
    serviceOptions,
    targetOptions,
    deployment: {
      deployTimeoutMs: durationFlag("deploy-timeout", str("deployTimeout")),
      drainTimeoutMs: durationFlag("drain-timeout", str("drainTimeout")),
      force: flag("force"),
    },
  };
}
