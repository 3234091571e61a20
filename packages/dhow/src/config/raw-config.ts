/**
 * @module
 * TypeScript shapes of a validated deploy.yml (after ERB, YAML and the destination merge), as Kamal 2.12
 * accepts it. The loader's validator guarantees these shapes; resolvers in `sections/` read them.
 * Keys are the YAML keys (snake_case). Scalars that YAML may give as numbers or strings are typed loosely.
 */
import type { RawBuilderConfig } from "./sections/builder.js";

/** A scalar as YAML gives it. */
export type RawScalar = string | number | boolean | null;

/** A host entry: `"1.1.1.1"` or `{ "1.1.1.2": "tag" | ["tag1", "tag2"] }`. */
export type RawHost = string | Readonly<Record<string, string | readonly string[]>>;

/** `env:` (root, role, accessory, tag): simple `{KEY: value}` or `{clear, secret, tags}`. */
export interface RawEnvFull {
  readonly clear?: Readonly<Record<string, RawScalar>>;
  readonly secret?: readonly string[];
  readonly tags?: Readonly<Record<string, RawEnv>>;
}
export type RawEnv = RawEnvFull | Readonly<Record<string, RawScalar>>;

/** `logging:` (root and role). */
export interface RawLogging {
  readonly driver?: string;
  readonly options?: Readonly<Record<string, RawScalar>>;
}

/** `registry:` (root and accessory). A one-element array names a secret. */
export interface RawRegistry {
  readonly server?: string;
  readonly username?: string | readonly string[];
  readonly password?: string | readonly string[];
}

/** `proxy.ssl` as a hash: custom certificate secrets. */
export interface RawProxySsl {
  readonly certificate_pem?: string;
  readonly private_key_pem?: string;
}

/** `proxy.run`: how the kamal-proxy container is started. */
export interface RawProxyRun {
  readonly http_port?: number | string;
  readonly https_port?: number | string;
  readonly metrics_port?: number | string;
  readonly debug?: boolean;
  readonly log_max_size?: string;
  readonly publish?: boolean;
  readonly bind_ips?: readonly string[];
  readonly registry?: string;
  readonly repository?: string;
  readonly version?: string;
  readonly options?: Readonly<Record<string, unknown>>;
}

/** `proxy:` (root, role, accessory). */
export interface RawProxy {
  readonly host?: string;
  readonly hosts?: readonly string[];
  readonly app_port?: number | string;
  readonly ssl?: boolean | RawProxySsl;
  readonly ssl_redirect?: boolean;
  readonly forward_headers?: boolean;
  readonly response_timeout?: number | string;
  readonly path_prefix?: string;
  readonly path_prefixes?: readonly string[];
  readonly strip_path_prefix?: boolean;
  readonly healthcheck?: {
    readonly interval?: number | string;
    readonly timeout?: number | string;
    readonly path?: string;
  };
  readonly buffering?: {
    readonly requests?: boolean;
    readonly responses?: boolean;
    readonly memory?: number | string;
    readonly max_request_body?: number | string;
    readonly max_response_body?: number | string;
  };
  readonly logging?: {
    readonly request_headers?: readonly string[];
    readonly response_headers?: readonly string[];
  };
  readonly run?: RawProxyRun;
}

/** A role in the hash form of `servers:`. */
export interface RawRole {
  readonly hosts?: readonly RawHost[];
  readonly cmd?: string;
  readonly stop_timeout?: number;
  readonly options?: Readonly<Record<string, unknown>>;
  readonly logging?: RawLogging;
  readonly proxy?: boolean | RawProxy;
  readonly labels?: Readonly<Record<string, RawScalar>>;
  readonly env?: RawEnv;
  readonly asset_path?: string;
  /** dhow only (`sections/depends-on.ts`). */
  readonly depends_on?: RawDependsOn;
}

/** dhow only: `depends_on`, short form (names) or long form (name → condition). */
export type RawDependsOn = readonly string[] | Readonly<Record<string, { readonly condition?: string }>>;

/** dhow only: an accessory's `healthcheck` (`sections/accessory-healthcheck.ts`). */
export interface RawAccessoryHealthcheck {
  readonly cmd?: string;
  readonly path?: string;
  readonly port?: number;
  readonly interval?: number | string;
  readonly timeout?: number | string;
  readonly retries?: number;
  readonly start_period?: number | string;
}

/** `servers:`: a list of hosts (one `web` role) or roles by name. */
export type RawServers = readonly RawHost[] | Readonly<Record<string, readonly RawHost[] | RawRole>>;

/** An accessory `files:`/`directories:` entry. */
export type RawPathEntry =
  | string
  | {
      readonly local?: string;
      readonly remote?: string;
      readonly mode?: string | number;
      readonly owner?: string;
      readonly options?: string;
    };

/** `accessories.<name>`. */
export interface RawAccessory {
  readonly service?: string;
  readonly image?: string;
  readonly registry?: RawRegistry;
  readonly host?: string;
  readonly hosts?: readonly string[];
  readonly role?: string;
  readonly roles?: readonly string[];
  readonly tag?: string;
  readonly tags?: readonly string[];
  readonly cmd?: string;
  readonly port?: string | number;
  readonly labels?: Readonly<Record<string, RawScalar>>;
  readonly options?: Readonly<Record<string, unknown>>;
  readonly env?: RawEnv;
  readonly files?: readonly RawPathEntry[];
  readonly directories?: readonly RawPathEntry[];
  readonly volumes?: readonly string[];
  readonly network?: string;
  readonly proxy?: RawProxy;
  /** dhow only. */
  readonly depends_on?: RawDependsOn;
  /** dhow only. */
  readonly healthcheck?: RawAccessoryHealthcheck;
}

/** `ssh:` */
export interface RawSsh {
  readonly user?: string;
  readonly port?: number | string;
  readonly proxy?: string;
  readonly proxy_command?: string;
  readonly log_level?: string;
  readonly keys_only?: boolean;
  readonly keys?: readonly string[];
  readonly key_data?: readonly string[];
  readonly config?: boolean | string | readonly string[];
  readonly forward_agent?: boolean;
}

/** `sshkit:` */
export interface RawSshkit {
  readonly max_concurrent_starts?: number;
  readonly pool_idle_timeout?: number;
  readonly dns_retries?: number;
}

/** `boot:` */
export interface RawBoot {
  readonly limit?: number | string;
  readonly wait?: number;
  readonly parallel_roles?: boolean;
}

/** `output:` */
export interface RawOutput {
  readonly file?: { readonly path?: string };
  readonly otel?: { readonly endpoint?: string };
}

/** The whole validated deploy.yml. */
export interface RawConfig {
  readonly service?: string;
  readonly image?: string;
  readonly labels?: Readonly<Record<string, RawScalar>>;
  readonly volumes?: readonly string[];
  readonly registry?: RawRegistry;
  readonly servers?: RawServers;
  readonly env?: RawEnv;
  readonly asset_path?: string;
  readonly hooks_path?: string;
  readonly hooks_output?: string | Readonly<Record<string, string>>;
  readonly secrets_path?: string;
  readonly error_pages_path?: string;
  readonly require_destination?: boolean;
  readonly primary_role?: string;
  readonly allow_empty_roles?: boolean;
  readonly retain_containers?: number;
  readonly minimum_version?: string;
  readonly readiness_delay?: number;
  readonly deploy_timeout?: number;
  readonly drain_timeout?: number;
  readonly stop_timeout?: number;
  readonly run_directory?: string;
  readonly ssh?: RawSsh;
  readonly builder?: RawBuilderConfig;
  readonly accessories?: Readonly<Record<string, RawAccessory>>;
  readonly proxy?: RawProxy;
  readonly sshkit?: RawSshkit;
  readonly boot?: RawBoot;
  readonly logging?: RawLogging;
  readonly output?: RawOutput;
  readonly aliases?: Readonly<Record<string, string>>;
  /** dhow only: the command run once per deploy before any container is switched (`dhow docs configuration`). */
  readonly release_command?: string;
  /** dhow only: each host's private IPv4 address, host (as written) → address (`dhow docs configuration`). */
  readonly private_ip?: Readonly<Record<string, string>>;
  readonly [extension: `x-${string}`]: unknown;
}
