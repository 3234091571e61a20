/**
 * @module
 * A role of `servers:` (`web`, `workers`, …): its hosts with tags, container names, env per host, labels,
 * logging, docker options, proxy (merged over the root proxy) and asset paths. Kamal's `Configuration::Role`.
 */
import type { Secrets } from "../../secrets/secrets.js";
import type { Sensitive } from "../../sensitive.js";
import { argumentize, optionize } from "../../shell-escape.js";
import type { RawConfig, RawHost, RawRole } from "../raw-config.js";
import { fileJoin, getOwn, hasOwn, isHash, isPresent, isTruthy, type RubyHash, rubySplit } from "../../ruby.js";
import {
  type Scope,
  scopeAt,
  validateDockerOptions,
  validateLabels,
  validateSection,
  validateServers,
  validateType,
} from "../validator.js";
import { validateDhowKeys, withoutDhowKeys } from "../dhow-schema.js";
import { type Dependency, resolveDependsOn } from "./depends-on.js";
import { createEnv, type Env, mergeEnv, validateEnv } from "./env.js";
import { createLogging, type Logging, mergeLogging, validateLogging } from "./logging.js";
import { createProxy, mergeProxy, type ProxyConfig, type ProxyContext, validateProxy } from "./proxy.js";
import { createVolume, type Volume } from "./volume.js";

/** The docker restart policy unless a role's (or accessory's) `options.restart` says otherwise. */
export const DEFAULT_RESTART_POLICY = "unless-stopped";

/** What a role needs from the root config. */
export interface RoleContext {
  readonly raw: RawConfig;
  readonly service: string;
  readonly destination: string | undefined;
  readonly primaryRoleName: string;
  readonly env: Env;
  readonly envTags: ReadonlyMap<string, Env>;
  readonly logging: Logging;
  readonly proxy: ProxyConfig;
  readonly proxyContext: ProxyContext;
  readonly drainTimeout: number;
  readonly stopTimeout: number | undefined;
  readonly envDirectory: string;
  readonly assetsDirectory: string;
  version(): string;
  readonly secrets: Pick<Secrets, "get">;
}

/** A resolved role. */
export interface Role {
  readonly name: string;
  readonly primary: boolean;
  /** Hosts in the order written. */
  readonly hosts: readonly string[];
  readonly primaryHost: string | undefined;
  /** Tags of a host of this role (`[]` for untagged hosts). */
  tags(host: string): readonly string[];
  readonly cmd: string | undefined;
  /** The role's `options`, as written. */
  readonly options: Readonly<Record<string, unknown>>;
  /** `options.restart`, or `unless-stopped`. */
  readonly restartPolicy: string;
  /** `service`, `role`, `destination`, then root labels, then role labels. */
  readonly labels: Readonly<Record<string, unknown>>;
  readonly logging: Logging;
  /** Whether kamal-proxy fronts this role (primary role: unless `proxy: false`; others: only if set). */
  readonly runningProxy: boolean;
  /** The role's proxy section merged over the root one (undefined when not running the proxy). */
  readonly proxy: ProxyConfig | undefined;
  readonly ssl: boolean;
  /** The role's `stop_timeout`, else the root one. */
  readonly stopTimeout: number | undefined;
  /** `<service>-<role>[-<destination>]` */
  readonly containerPrefix: string;
  /** `<prefix>-<version>` (the config version unless given). */
  containerName(version?: string): string;
  /** The merged env for a host: root, role, then each of the host's tags. */
  env(host: string): Env;
  readonly envDirectory: string;
  /** `.kamal/apps/<svc[-dest]>/env/roles/<role>.env` */
  readonly secretsPath: string;
  readonly assetPath: string | undefined;
  readonly assetPathOptions: string | undefined;
  /** Asset bridging is on: an asset path is set and the role runs the proxy. */
  readonly assets: boolean;
  assetExtractedDirectory(version?: string): string;
  assetVolumeDirectory(version?: string): string;
  assetVolume(version?: string): Volume | undefined;

  /** `docker run` options (`--key "value"`), without `restart`. */
  optionArgs(): string[];
  /**
   * dhow's stable-names boot: `optionArgs()` without the network options (`network`/`net`, `network-alias`/
   * `net-alias`), which dhow applies with `docker network connect` instead (see `networkOptions`).
   */
  optionArgsWithoutNetworks(): string[];
  /** The role's own networks (`options.network`) and aliases (`options.network-alias`), as written. */
  readonly networkOptions: NetworkOptions;
  labelArgs(): (string | Sensitive)[];
  loggingArgs(): string[];
  /** Clear env of the host, then `--env-file <secrets path>`. */
  envArgs(host: string): (string | Sensitive)[];
  assetVolumeArgs(version?: string): string[];
  /** `-t N` for `docker stop`: the stop timeout, else the drain timeout for roles without the proxy. */
  stopArgs(): string[];
  /** dhow only: `depends_on` of the role's hash form (absent when not set). */
  readonly dependsOn?: readonly Dependency[];
}

/** Networks and aliases from a role's docker `options` (both flag spellings; a list or one value). */
export interface NetworkOptions {
  readonly networks: readonly string[];
  readonly aliases: readonly string[];
}

/** The `options` keys that name networks and network aliases (docker's long and short spellings). */
export const NETWORK_OPTION_KEYS = ["network", "net"] as const;
export const NETWORK_ALIAS_OPTION_KEYS = ["network-alias", "net-alias"] as const;

function networkOptionsOf(options: Record<string, unknown>): NetworkOptions {
  const values = (keys: readonly string[]) =>
    keys.flatMap((key) => {
      const value = getOwn(options, key);
      if (value === undefined || value === null) return [];
      return (Array.isArray(value) ? value : [value]).map(String);
    });
  return { networks: values(NETWORK_OPTION_KEYS), aliases: values(NETWORK_ALIAS_OPTION_KEYS) };
}

/** `--key "value"` per docker option, leaving out `excluded` keys. */
function optionArgsWithout(options: Record<string, unknown>, excluded: readonly string[]): string[] {
  return optionize(Object.fromEntries(Object.entries(options).filter(([key]) => !excluded.includes(key))));
}

/** Resolves the role `name`. */
export function createRole(name: string, context: RoleContext): Role {
  const servers = context.raw.servers;
  const roleConfig: RawRole | readonly RawHost[] | undefined = Array.isArray(servers)
    ? undefined
    : (servers as Record<string, RawRole | readonly RawHost[]> | undefined)?.[name];
  const specializations: RawRole = isHash(roleConfig) ? (roleConfig as RawRole) : {};
  const hostEntries: readonly RawHost[] = Array.isArray(servers)
    ? (servers as readonly RawHost[])
    : Array.isArray(roleConfig)
      ? (roleConfig as readonly RawHost[])
      : (specializations.hosts ?? []);
  const taggedHosts = new Map<string, readonly string[]>();
  for (const entry of hostEntries) {
    if (typeof entry === "string") taggedHosts.set(entry, []);
    else if (isHash(entry)) {
      const [host, tags] = Object.entries(entry)[0] ?? [];
      if (host !== undefined)
        taggedHosts.set(
          host,
          tags === undefined || tags === null ? [] : Array.isArray(tags) ? tags.map(String) : [String(tags)],
        );
    }
  }
  const hosts = [...taggedHosts.keys()];
  const primary = name === context.primaryRoleName;
  const options = (specializations.options ?? {}) as Record<string, unknown>;
  const restart = Object.entries(options).find(([key]) => key === "restart")?.[1];
  const labels: Record<string, unknown> = { service: context.service, role: name, destination: context.destination };
  Object.assign(labels, context.raw.labels ?? {}, specializations.labels ?? {});
  const logging = mergeLogging(context.logging, createLogging(specializations.logging));
  const specializedEnv = createEnv(specializations.env, context.secrets);

  const proxySetting = specializations.proxy;
  const runningProxy = primary ? proxySetting !== false : Boolean(proxySetting);
  const proxy = runningProxy
    ? mergeProxy(
        createProxy(isHash(proxySetting) ? proxySetting : {}, context.proxyContext, name),
        context.proxy,
        context.proxyContext,
      )
    : undefined;

  const containerPrefix = [context.service, name, context.destination].filter((part) => part !== undefined).join("-");
  const rawAssetPath = specializations.asset_path ?? context.raw.asset_path;
  const [assetPath, assetPathOptions] = isPresent(rawAssetPath)
    ? rubySplit(String(rawAssetPath), ":", 2)
    : [undefined, undefined];
  const assets = isPresent(assetPath) && runningProxy;
  const assetExtractedDirectory = (version = context.version()) =>
    fileJoin(context.assetsDirectory, "extracted", `${name}-${version}`);
  const assetVolumeDirectory = (version = context.version()) =>
    fileJoin(context.assetsDirectory, "volumes", `${name}-${version}`);
  const assetVolume = (version = context.version()) =>
    assets && assetPath !== undefined
      ? createVolume(assetVolumeDirectory(version), assetPath, assetPathOptions)
      : undefined;
  const envs = new Map<string, Env>();
  const env = (host: string): Env => {
    let merged = envs.get(host);
    if (!merged) {
      const tagEnvs = (taggedHosts.get(host) ?? []).flatMap((tag) => {
        const tagEnv = context.envTags.get(tag);
        return tagEnv ? [tagEnv] : [];
      });
      merged = [specializedEnv, ...tagEnvs].reduce((acc, next) => mergeEnv(acc, next, context.secrets), context.env);
      envs.set(host, merged);
    }
    return merged;
  };
  const envDirectory = fileJoin(context.envDirectory, "roles");
  const secretsPath = fileJoin(context.envDirectory, "roles", `${name}.env`);
  const stopTimeout = specializations.stop_timeout ?? context.stopTimeout;
  const dependsOn = resolveDependsOn(specializations.depends_on);

  return {
    name,
    primary,
    hosts,
    primaryHost: hosts[0],
    tags: (host) => taggedHosts.get(host) ?? [],
    cmd: specializations.cmd ?? undefined,
    options,
    restartPolicy: restart === undefined || restart === null ? DEFAULT_RESTART_POLICY : String(restart),
    labels,
    logging,
    runningProxy,
    proxy,
    ssl: runningProxy && Boolean(proxy?.ssl),
    stopTimeout,
    containerPrefix,
    containerName: (version) => [containerPrefix, version ?? context.version()].join("-"),
    env,
    envDirectory,
    secretsPath,
    assetPath,
    assetPathOptions,
    assets,
    assetExtractedDirectory,
    assetVolumeDirectory,
    assetVolume,
    optionArgs: () => optionArgsWithout(options, ["restart"]),
    optionArgsWithoutNetworks: () =>
      optionArgsWithout(options, ["restart", ...NETWORK_OPTION_KEYS, ...NETWORK_ALIAS_OPTION_KEYS]),
    networkOptions: networkOptionsOf(options),
    labelArgs: () => argumentize("--label", labels),
    loggingArgs: () => logging.args(),
    envArgs: (host) => [...env(host).clearArgs(), ...argumentize("--env-file", secretsPath)],
    assetVolumeArgs: (version) => assetVolume(version)?.dockerArgs() ?? [],
    stopArgs: () => {
      const timeout = stopTimeout ?? (runningProxy ? undefined : context.drainTimeout);
      return timeout === undefined || timeout === null ? [] : (argumentize("-t", timeout) as string[]);
    },
    ...(dependsOn === undefined ? {} : { dependsOn }),
  };
}

/**
 * Kamal's role validation (`Configuration::Role`): a host list, or a hash checked against the `workers`
 * example of docs/role.yml, with reserved labels, the restart option, its env and logging, and its own
 * proxy section when the role runs the proxy. `root` is the root scope (locations and file).
 */
export function validateRole(root: Scope, raw: RubyHash, name: string): void {
  const servers = raw.servers;
  const roleConfig = Array.isArray(servers) ? {} : isHash(servers) ? getOwn(servers, name) : undefined;
  const scope = scopeAt(root, `servers/${name}`, ["servers", name]);
  validateType(scope, roleConfig, "Array", "Hash");
  if (Array.isArray(roleConfig)) {
    validateServers(scope, roleConfig);
  } else {
    validateSection(scope, withoutDhowKeys("role", roleConfig), "role");
    validateLabels(scope, getOwn(roleConfig as RubyHash, "labels"));
    validateDockerOptions(scope, getOwn(roleConfig as RubyHash, "options"));
    validateDhowKeys("role", scope, roleConfig as RubyHash);
  }
  const specializations: RubyHash = isHash(roleConfig) ? roleConfig : {};
  validateEnv(
    scopeAt(root, `servers/${name}/env`, ["servers", name, "env"]),
    hasOwn(specializations, "env") ? specializations.env : {},
  );
  validateLogging(
    scopeAt(root, `servers/${name}/logging`, ["servers", name, "logging"]),
    hasOwn(specializations, "logging") ? specializations.logging : {},
  );
  const proxy = getOwn(specializations, "proxy");
  if (roleRunsProxy(raw, name, proxy)) {
    const proxyConfig = proxy === true || proxy === null || proxy === undefined ? {} : proxy;
    validateProxy(scopeAt(root, `servers/${name}/proxy`, ["servers", name, "proxy"]), proxyConfig);
  }
}

/** Kamal's `Role#running_proxy?` on a raw config: the primary role unless `proxy: false`, others only when set. */
export function roleRunsProxy(raw: RubyHash, name: string, proxy: unknown): boolean {
  const primaryRole = isTruthy(raw.primary_role) ? raw.primary_role : "web";
  return name === primaryRole ? proxy !== false : isTruthy(proxy);
}
