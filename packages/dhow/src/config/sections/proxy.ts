/**
 * @module
 * `proxy:` (root, role, accessory): the `kamal-proxy deploy` flags for a service, in Kamal's exact order,
 * plus custom TLS certificate paths and `proxy.run`. Kamal's `Configuration::Proxy`.
 */
import type { Secrets } from "../../secrets/secrets.js";
import { optionize } from "../../shell-escape.js";
import type { RawProxy } from "../raw-config.js";
import { deepMerge, fileJoin, hasOwn, isBlank, isHash, isPresent, isTruthy } from "../../ruby.js";
import { fail, type Scope, validateSection } from "../validator.js";
import type { ProxyBoot } from "./proxy-boot.js";
import { createProxyRun, type ProxyRun } from "./proxy-run.js";

/** Request headers kamal-proxy logs unless `proxy.logging.request_headers` says otherwise. */
export const DEFAULT_LOG_REQUEST_HEADERS = ["Cache-Control", "Last-Modified", "User-Agent"] as const;
/** The port the app listens on unless `proxy.app_port` is set. */
export const DEFAULT_APP_PORT = 80;

/** What a proxy section needs from the root config. */
export interface ProxyContext {
  readonly boot: ProxyBoot;
  readonly deployTimeout: number;
  readonly drainTimeout: number;
  readonly errorPagesPath: string | undefined;
  /** The app version (read lazily: only error pages need it). */
  version(): string;
  readonly secrets: Pick<Secrets, "get">;
}

/** A resolved proxy section. */
export interface ProxyConfig {
  readonly raw: RawProxy;
  /** The role name (`web`) or `accessories/<name>`; undefined for the root section. */
  readonly roleName: string | undefined;
  readonly appPort: number | string;
  readonly ssl: boolean;
  readonly hosts: readonly string[];
  readonly pathPrefixes: readonly string[];
  readonly healthcheckPath: string | undefined;
  /** `ssl` is a hash with both certificate and key secrets. */
  readonly customSslCertificate: boolean;
  /** `proxy.run`, when set. */
  readonly run: ProxyRun | undefined;
  /** Host paths of the custom certificate and key (undefined without custom certs). */
  readonly hostTlsCert: string | undefined;
  readonly hostTlsKey: string | undefined;
  readonly containerTlsCert: string | undefined;
  readonly containerTlsKey: string | undefined;
  /** The PEM contents from secrets (undefined without custom certs). */
  certificatePem(): string | undefined;
  privateKeyPem(): string | undefined;
  /** The deploy options in Kamal's flag order (absent ones left out). */
  deployOptions(): ReadonlyMap<string, unknown>;
  /** `--target="<target>:<app_port>"` followed by the deploy options, `--key="value"` form. */
  deployCommandArgs(target: string): string[];
  /** `--drain-timeout="Ns" --message="…"` for `kamal-proxy stop`. */
  stopCommandArgs(options?: { drainTimeout?: number | string; message?: string }): string[];
}

/** Resolves a proxy section. */
export function createProxy(raw: RawProxy | undefined, context: ProxyContext, roleName?: string): ProxyConfig {
  const section: RawProxy = isHash(raw) ? raw : {};
  const ssl = section.ssl;
  const custom = isHash(ssl) && isPresent(ssl.certificate_pem) && isPresent(ssl.private_key_pem);
  const tlsPath = (directory: string, file: string) =>
    custom ? fileJoin(...[directory, roleName, file].filter((part): part is string => part !== undefined)) : undefined;
  const hosts = section.hosts ?? (section.host ? section.host.split(",") : []);
  const pathPrefixes = section.path_prefixes ?? (section.path_prefix ? section.path_prefix.split(",") : []);
  const containerTlsCert = tlsPath(context.boot.tlsContainerDirectory, "cert.pem");
  const containerTlsKey = tlsPath(context.boot.tlsContainerDirectory, "key.pem");
  const buffering = section.buffering;

  const deployOptions = (): Map<string, unknown> => {
    const entries: [string, unknown][] = [
      ["host", hosts],
      ["tls", ssl ? true : undefined],
      ["tls-certificate-path", containerTlsCert],
      ["tls-private-key-path", containerTlsKey],
      ["deploy-timeout", seconds(context.deployTimeout)],
      ["drain-timeout", seconds(context.drainTimeout)],
      ["health-check-interval", seconds(section.healthcheck?.interval)],
      ["health-check-timeout", seconds(section.healthcheck?.timeout)],
      ["health-check-path", section.healthcheck?.path],
      ["target-timeout", seconds(section.response_timeout)],
      ["buffer-requests", buffering?.requests ?? true],
      ["buffer-responses", buffering?.responses ?? true],
      ["buffer-memory", buffering?.memory],
      ["max-request-body", buffering?.max_request_body],
      ["max-response-body", buffering?.max_response_body],
      ["path-prefix", pathPrefixes],
      ["strip-path-prefix", section.strip_path_prefix],
      ["forward-headers", section.forward_headers],
      ["tls-redirect", section.ssl_redirect],
      ["log-request-header", section.logging?.request_headers ?? DEFAULT_LOG_REQUEST_HEADERS],
      ["log-response-header", section.logging?.response_headers],
      [
        "error-pages",
        context.errorPagesPath ? fileJoin(context.boot.errorPagesContainerDirectory, context.version()) : undefined,
      ],
    ];
    return new Map(entries.filter(([, value]) => value !== undefined && value !== null));
  };

  return {
    raw: section,
    roleName,
    appPort: section.app_port ?? DEFAULT_APP_PORT,
    ssl: Boolean(ssl),
    hosts,
    pathPrefixes,
    healthcheckPath: section.healthcheck?.path ?? undefined,
    customSslCertificate: custom,
    run:
      isHash(section.run) && Object.keys(section.run).length > 0
        ? createProxyRun(section.run, context.boot)
        : undefined,
    hostTlsCert: tlsPath(context.boot.tlsDirectory, "cert.pem"),
    hostTlsKey: tlsPath(context.boot.tlsDirectory, "key.pem"),
    containerTlsCert,
    containerTlsKey,
    certificatePem: () =>
      isHash(ssl) && ssl.certificate_pem ? context.secrets.get(String(ssl.certificate_pem)) : undefined,
    privateKeyPem: () =>
      isHash(ssl) && ssl.private_key_pem ? context.secrets.get(String(ssl.private_key_pem)) : undefined,
    deployOptions,
    deployCommandArgs: (target) =>
      optionize(
        new Map<string, unknown>([["target", `${target}:${section.app_port ?? DEFAULT_APP_PORT}`], ...deployOptions()]),
        {
          with: "=",
        },
      ),
    stopCommandArgs: (options = {}) => {
      const stop = new Map<string, unknown>();
      if (options.drainTimeout !== undefined && options.drainTimeout !== null)
        stop.set("drain-timeout", seconds(options.drainTimeout));
      if (options.message !== undefined && options.message !== null) stop.set("message", options.message);
      return optionize(stop, { with: "=" });
    },
  };
}

/** Kamal's `Proxy#merge`: the role section deep-merged over the root section, keeping the role's name. */
export function mergeProxy(role: ProxyConfig, root: ProxyConfig, context: ProxyContext): ProxyConfig {
  return createProxy(
    deepMerge(root.raw as Record<string, unknown>, role.raw as Record<string, unknown>) as RawProxy,
    context,
    role.roleName,
  );
}

function seconds(value: unknown): string | undefined {
  return value === undefined || value === null || value === false ? undefined : `${value}s`;
}

/** Kamal's `Validator::Proxy`: the docs/proxy.yml example, then the host/ssl rules and the `run` publish rule. */
export function validateProxy(scope: Scope, config: unknown): void {
  if (config === null || config === undefined) return;
  validateSection(scope, config, "proxy");
  const proxy = config as Record<string, unknown>;
  if (isBlank(proxy.host) && isBlank(proxy.hosts) && isTruthy(proxy.ssl)) {
    fail(scope, "Must set a host to enable automatic SSL");
  }
  if (hasOwn(proxy, "host") && hasOwn(proxy, "hosts")) fail(scope, "Specify one of 'host' or 'hosts', not both");
  const ssl = proxy.ssl;
  if (isHash(ssl)) {
    if (isPresent(ssl.certificate_pem) && isBlank(ssl.private_key_pem)) {
      fail(scope, "Missing private_key_pem setting (required when certificate_pem is present)");
    }
    if (isPresent(ssl.private_key_pem) && isBlank(ssl.certificate_pem)) {
      fail(scope, "Missing certificate_pem setting (required when private_key_pem is present)");
    }
  }
  const run = proxy.run;
  if (isHash(run) && run.publish === false) {
    if (isPresent(run.bind_ips) || isPresent(run.http_port) || isPresent(run.https_port)) {
      fail(scope, "Cannot set http_port, https_port or bind_ips when publish is false", [...scope.path, "run"]);
    }
  }
}
