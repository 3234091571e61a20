/**
 * @module
 * The resolved, read-only configuration: everything downstream reads (commands, flows, `dhow config`)
 * comes from here, never from raw YAML. Built from a validated raw config by `createConfig`, with
 * Kamal 2.12's defaults, derived names and cross-section checks (`Kamal::Configuration`).
 */
import type { Secrets } from "../secrets/secrets.js";
import { argumentize } from "../shell-escape.js";
import { type BuilderConfig, createBuilderConfig } from "./sections/builder.js";
import type { RawConfig, RawOutput } from "./raw-config.js";
import { deepFreeze, fileJoin, isBlank, isHash, uniq } from "../ruby.js";
import { type Accessory, createAccessory } from "./sections/accessory.js";
import { type BootConfig, createBoot } from "./sections/boot.js";
import { createEnv, type Env, envTags } from "./sections/env.js";
import { createLogging, type Logging } from "./sections/logging.js";
import { createProxy, type ProxyConfig, type ProxyContext } from "./sections/proxy.js";
import { createProxyBoot, type ProxyBoot, type ProxyImageChoice } from "./sections/proxy-boot.js";
import type { ProxyRun } from "./sections/proxy-run.js";
import { createRegistry, type RegistryConfig } from "./sections/registry.js";
import { createRole, type Role } from "./sections/role.js";
import { createSsh, type SshConfig } from "./sections/ssh.js";
import { createSshkit, type SshkitConfig } from "./sections/sshkit.js";

export type { Accessory, AccessoryPath } from "./sections/accessory.js";
export type { BootConfig } from "./sections/boot.js";
export type { Env } from "./sections/env.js";
export type { Logging } from "./sections/logging.js";
export type { ProxyConfig } from "./sections/proxy.js";
export type { ProxyBoot } from "./sections/proxy-boot.js";
export type { ProxyRun } from "./sections/proxy-run.js";
export type { RegistryConfig } from "./sections/registry.js";
export type { Role } from "./sections/role.js";
export type { SshConfig, SshProxy } from "./sections/ssh.js";
export type { SshkitConfig } from "./sections/sshkit.js";

/** Kamal's host state directory (the `run_directory` key is accepted but ignored, as in Kamal 2.12). */
export const RUN_DIRECTORY = ".kamal";
export const DEFAULT_HOOKS_PATH = ".kamal/hooks";
export const DEFAULT_SECRETS_PATH = ".kamal/secrets";
export const DEFAULT_PRIMARY_ROLE = "web";
export const DEFAULT_RETAIN_CONTAINERS = 5;
export const DEFAULT_READINESS_DELAY = 7;
export const DEFAULT_DEPLOY_TIMEOUT = 30;
export const DEFAULT_DRAIN_TIMEOUT = 30;

/** Inputs to `createConfig` besides the raw config. */
export interface CreateConfigOptions {
  readonly destination?: string | undefined;
  /** The app version, or a function resolving it on first use (Kamal resolves it lazily). */
  readonly version: string | (() => string);
  readonly secrets: Secrets;
  /** The working directory (accessory file paths are relative to it). Defaults to process.cwd(). */
  readonly cwd?: string;
  /**
   * The default proxy image: dhow's own (the default: what every dhow command runs), or Kamal's
   * `basecamp/kamal-proxy` (only to compare command strings with Kamal's, as the golden cases do).
   */
  readonly proxyImage?: ProxyImageChoice;
}

/** The resolved configuration. */
export interface Config {
  /** The validated raw config (for `dhow config`'s `accessories`). */
  readonly raw: RawConfig;
  readonly service: string;
  /** The image name without registry server (defaults to the service with a local registry). */
  readonly image: string;
  readonly destination: string | undefined;
  /** The app version: `--version`, `VERSION`, or the git revision. */
  readonly version: string;
  /** The version shortened to 7 characters unless it contains `_` (Kamal's `abbreviated_version`). */
  readonly abbreviatedVersion: string;
  readonly minimumVersion: string | undefined;
  /** `service[-destination]` */
  readonly serviceAndDestination: string;
  /** `[registry server/]image` */
  readonly repository: string;
  /** `repository:version` */
  readonly absoluteImage: string;
  /** `latest[-destination]` */
  readonly latestTag: string;
  /** `repository:latest[-destination]` */
  readonly latestImage: string;
  /** `service-version` */
  readonly serviceWithVersion: string;
  readonly requireDestination: boolean;
  readonly allowEmptyRoles: boolean;
  readonly primaryRoleName: string;

  /** Roles sorted by name (Kamal's order; boot flows put the primary role first). */
  readonly roles: readonly Role[];
  readonly roleNames: readonly string[];
  role(name: string): Role | undefined;
  readonly primaryRole: Role | undefined;
  /** The first host of the primary role. */
  readonly primaryHost: string | undefined;
  /** Hosts of all roles and accessories, first-seen order. */
  readonly allHosts: readonly string[];
  /** Hosts of all roles. */
  readonly appHosts: readonly string[];
  /** Roles with the given host. */
  hostRoles(host: string): readonly Role[];
  readonly proxyRoles: readonly Role[];
  readonly proxyRoleNames: readonly string[];
  readonly proxyAccessories: readonly Accessory[];
  /** Hosts running kamal-proxy (proxy roles' and proxied accessories' hosts). */
  readonly proxyHosts: readonly string[];
  /** The `proxy.run` for a host (the same for every role and accessory on it), if configured. */
  proxyRun(host: string): ProxyRun | undefined;
  /** The proxy image a host runs by default: its `proxy.run`'s, else the default image (`proxyBoot`). */
  proxyImage(host: string): string;
  /** Whether a host's proxy runs dhow's own image (not one chosen by `proxy.run`, nor Kamal's). */
  runsDhowProxy(host: string): boolean;

  /** Accessories in YAML key order. */
  readonly accessories: readonly Accessory[];
  accessory(name: string): Accessory | undefined;
  /** `aliases:` name → kamal argv string. */
  readonly aliases: Readonly<Record<string, string>>;

  readonly registry: RegistryConfig;
  readonly builder: BuilderConfig;
  readonly env: Env;
  readonly envTags: ReadonlyMap<string, Env>;
  readonly logging: Logging;
  /** The root proxy section. */
  readonly proxy: ProxyConfig;
  readonly proxyBoot: ProxyBoot;
  readonly ssh: SshConfig;
  readonly sshkit: SshkitConfig;
  readonly boot: BootConfig;
  readonly output: RawOutput;
  readonly labels: Readonly<Record<string, unknown>>;
  readonly secrets: Secrets;

  readonly retainContainers: number;
  readonly readinessDelay: number;
  readonly deployTimeout: number;
  readonly drainTimeout: number;
  readonly stopTimeout: number | undefined;

  readonly runDirectory: string;
  /** `.kamal/apps` */
  readonly appsDirectory: string;
  /** `.kamal/apps/<service[-dest]>` */
  readonly appDirectory: string;
  readonly envDirectory: string;
  readonly assetsDirectory: string;
  readonly hooksPath: string;
  readonly secretsPath: string;
  readonly assetPath: string | undefined;
  readonly errorPagesPath: string | undefined;
  /** `hooks_output` for a hook: `quiet`, `verbose`, or undefined. */
  hooksOutputFor(hook: string): "quiet" | "verbose" | undefined;

  /** `--volume` args of the root `volumes:`. */
  volumeArgs(): string[];
  /** Root logging args (accessories use these). */
  loggingArgs(): string[];
  /** dhow only: `release_command` (absent when not set). */
  readonly releaseCommand?: string;
}

/** Builds the resolved config from a raw config that `validateConfig` accepted. */
export function createConfig(raw: RawConfig, options: CreateConfigOptions): Config {
  const { destination, secrets } = options;
  const cwd = options.cwd ?? process.cwd();
  let resolvedVersion: string | undefined = typeof options.version === "string" ? options.version : undefined;
  const version = (): string => {
    if (resolvedVersion === undefined) resolvedVersion = (options.version as () => string)();
    return resolvedVersion;
  };

  const service = String(raw.service ?? "");
  const registry = createRegistry(raw.registry, secrets);
  const image = isBlank(raw.image) ? (registry.local ? service : "") : String(raw.image);
  const serviceAndDestination = [service, destination].filter((part) => part !== undefined).join("-");
  const repository = [registry.server, image].filter((part) => part !== undefined).join("/");
  const latestTag = ["latest", destination].filter((part) => part !== undefined).join("-");
  const runDirectory = RUN_DIRECTORY;
  const appsDirectory = fileJoin(runDirectory, "apps");
  const appDirectory = fileJoin(appsDirectory, serviceAndDestination);
  const envDirectory = fileJoin(appDirectory, "env");
  const assetsDirectory = fileJoin(appDirectory, "assets");
  const deployTimeout = raw.deploy_timeout ?? DEFAULT_DEPLOY_TIMEOUT;
  const drainTimeout = raw.drain_timeout ?? DEFAULT_DRAIN_TIMEOUT;
  const primaryRoleName = raw.primary_role ?? DEFAULT_PRIMARY_ROLE;
  const proxyBoot = createProxyBoot(runDirectory, serviceAndDestination, {
    registryServer: registry.server,
    appImage: image,
    choice: options.proxyImage ?? "dhow",
  });
  const proxyContext: ProxyContext = {
    boot: proxyBoot,
    deployTimeout,
    drainTimeout,
    errorPagesPath: raw.error_pages_path ?? undefined,
    version,
    secrets,
  };
  const env = createEnv(raw.env, secrets);
  const tags = envTags(raw.env, secrets);
  const logging = createLogging(raw.logging);
  const rootProxy = createProxy(raw.proxy, proxyContext);

  const roleNames =
    raw.servers === undefined || raw.servers === null
      ? []
      : Array.isArray(raw.servers)
        ? [DEFAULT_PRIMARY_ROLE]
        : Object.keys(raw.servers).sort();
  const roles = roleNames.map((name) =>
    createRole(name, {
      raw,
      service,
      destination,
      primaryRoleName,
      env,
      envTags: tags,
      logging,
      proxy: rootProxy,
      proxyContext,
      drainTimeout,
      stopTimeout: raw.stop_timeout ?? undefined,
      envDirectory,
      assetsDirectory,
      version,
      secrets,
    }),
  );
  const accessories = Object.keys(raw.accessories ?? {}).map((name) =>
    createAccessory(name, { raw, service, roles, envDirectory, proxyContext, secrets, cwd }),
  );
  const role = (name: string) => roles.find((candidate) => candidate.name === name);
  const primaryRole = role(primaryRoleName);
  const allHosts = uniq([...roles, ...accessories].flatMap((item) => item.hosts));
  const proxyRoles = roles.filter((candidate) => candidate.runningProxy);
  const proxyAccessories = accessories.filter((accessory) => accessory.runningProxy);
  const proxyRuns = (host: string): ProxyRun[] =>
    [
      ...proxyRoles.filter((candidate) => candidate.hosts.includes(host)).map((candidate) => candidate.proxy?.run),
      ...proxyAccessories
        .filter((accessory) => accessory.hosts.includes(host))
        .map((accessory) => accessory.proxy?.run),
    ].filter((run): run is ProxyRun => run !== undefined);

  const builder = createBuilderConfig(raw.builder, {
    service,
    image,
    repository,
    registryServer: registry.server,
    localRegistry: registry.local,
    secrets,
    destination,
  });

  const config: Config = {
    raw,
    service,
    image,
    destination,
    get version() {
      return version();
    },
    get abbreviatedVersion() {
      const value = version();
      return value.includes("_") ? value : value.slice(0, 7);
    },
    minimumVersion: raw.minimum_version ?? undefined,
    serviceAndDestination,
    repository,
    get absoluteImage() {
      return `${repository}:${version()}`;
    },
    latestTag,
    latestImage: `${repository}:${latestTag}`,
    get serviceWithVersion() {
      return `${service}-${version()}`;
    },
    requireDestination: Boolean(raw.require_destination),
    allowEmptyRoles: Boolean(raw.allow_empty_roles),
    primaryRoleName,
    roles,
    roleNames,
    role,
    primaryRole,
    primaryHost: primaryRole?.primaryHost,
    allHosts,
    appHosts: uniq(roles.flatMap((candidate) => candidate.hosts)),
    hostRoles: (host) => roles.filter((candidate) => candidate.hosts.includes(host)),
    proxyRoles,
    proxyRoleNames: proxyRoles.map((candidate) => candidate.name),
    proxyAccessories,
    proxyHosts: uniq([...proxyRoles, ...proxyAccessories].flatMap((item) => item.hosts)),
    proxyRun: (host) => proxyRuns(host)[0],
    proxyImage: (host) => proxyRuns(host)[0]?.image ?? `${proxyBoot.imageDefault}:${proxyBoot.minimumVersion}`,
    runsDhowProxy: (host) => proxyRuns(host)[0]?.dhowImage ?? proxyBoot.dhowImageByDefault,
    accessories,
    accessory: (name) => accessories.find((accessory) => accessory.name === name),
    aliases: { ...(raw.aliases ?? {}) },
    registry,
    builder,
    env,
    envTags: tags,
    logging,
    proxy: rootProxy,
    proxyBoot,
    ssh: createSsh(raw.ssh, secrets),
    sshkit: createSshkit(raw.sshkit),
    boot: createBoot(raw.boot, allHosts.length),
    output: isHash(raw.output) ? raw.output : {},
    labels: { ...(raw.labels ?? {}) },
    secrets,
    retainContainers: raw.retain_containers ?? DEFAULT_RETAIN_CONTAINERS,
    readinessDelay: raw.readiness_delay ?? DEFAULT_READINESS_DELAY,
    deployTimeout,
    drainTimeout,
    stopTimeout: raw.stop_timeout ?? undefined,
    runDirectory,
    appsDirectory,
    appDirectory,
    envDirectory,
    assetsDirectory,
    hooksPath: raw.hooks_path ?? DEFAULT_HOOKS_PATH,
    secretsPath: raw.secrets_path ?? DEFAULT_SECRETS_PATH,
    assetPath: raw.asset_path ?? undefined,
    errorPagesPath: raw.error_pages_path ?? undefined,
    hooksOutputFor: (hook) => {
      const setting = raw.hooks_output;
      const level = typeof setting === "string" ? setting : isHash(setting) ? setting[hook] : undefined;
      return level === undefined ? undefined : (stripColon(level) as "quiet" | "verbose");
    },
    volumeArgs: () => (raw.volumes && raw.volumes.length > 0 ? (argumentize("--volume", raw.volumes) as string[]) : []),
    loggingArgs: () => logging.args(),
    ...(raw.release_command === undefined || raw.release_command === null
      ? {}
      : { releaseCommand: raw.release_command }),
  };

  return deepFreeze(config, new Set<unknown>([secrets]));
}

function stripColon(level: string): string {
  return level.startsWith(":") ? level.slice(1) : level;
}
