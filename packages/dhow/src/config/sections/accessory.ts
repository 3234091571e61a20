/**
 * @module
 * `accessories.<name>`: a long-lived service container (database, cache…) with its own image, placement,
 * env, files, directories, volumes and optional proxy. Kamal's `Configuration::Accessory`.
 */
import { KAMAL_NETWORK } from "../../constants.js";
import { resolve } from "node:path";
import type { Secrets } from "../../secrets/secrets.js";
import type { Sensitive } from "../../sensitive.js";
import { argumentize, optionize } from "../../shell-escape.js";
import type { RawAccessory, RawConfig, RawHost, RawPathEntry, RawRole } from "../raw-config.js";
import {
  fileJoin,
  getOwn,
  hasOwn,
  isAbsolutePath,
  isHash,
  isPresent,
  isTruthy,
  type RubyHash,
  rubySplit,
  rubyToS,
} from "../../ruby.js";
import { fail, type Scope, scopeAt, validateDockerOptions, validateLabels, validateSection } from "../validator.js";
import { accessoryConfigHash, usesDependencyFeatures } from "../accessory-config-hash.js";
import { validateDhowKeys, withoutDhowKeys } from "../dhow-schema.js";
import { type AccessoryHealthcheck, resolveAccessoryHealthcheck } from "./accessory-healthcheck.js";
import { type Dependency, resolveDependsOn } from "./depends-on.js";
import { createEnv, type Env, validateEnv } from "./env.js";
import { createProxy, type ProxyConfig, type ProxyContext, validateProxy } from "./proxy.js";
import { createRegistry, type RegistryConfig, validateRegistry } from "./registry.js";
import { DEFAULT_RESTART_POLICY, type Role } from "./role.js";
import { createVolume, type Volume } from "./volume.js";

/** The mode given to uploaded accessory files unless `mode:` says otherwise. */
export const DEFAULT_ACCESSORY_FILE_MODE = "755";

/** An accessory file or directory mapping. */
export interface AccessoryPath {
  /**
   * Files: the absolute local path (ERB templates, `*.erb`, are rendered by the uploader).
   * Directories: the directory to create on the host (`$PWD/<service_name>/<local>`, or the absolute path).
   */
  readonly local: string;
  /** True for a file whose name ends in `erb` (rendered with the accessory env before upload). */
  readonly template: boolean;
  /** Host path: `<service_name><remote>` for files, `<service_name>/<local>` for directories. */
  readonly hostPath: string;
  readonly containerPath: string;
  readonly options: string | undefined;
  readonly mode: string | undefined;
  readonly owner: string | undefined;
}

/** What an accessory needs from the root config. */
export interface AccessoryContext {
  readonly raw: RawConfig;
  readonly service: string;
  readonly roles: readonly Role[];
  readonly envDirectory: string;
  readonly proxyContext: ProxyContext;
  readonly secrets: Pick<Secrets, "get">;
  /** The working directory local file paths are relative to. */
  readonly cwd: string;
}

/** A resolved accessory. */
export interface Accessory {
  readonly name: string;
  readonly raw: RawAccessory;
  /** Container name and `service` label: `service:` or `<service>-<name>`. */
  readonly serviceName: string;
  /** The image, prefixed with the accessory registry's server when it has one. */
  readonly image: string;
  readonly hosts: readonly string[];
  /** `host:container` publish spec (`"3306"` becomes `3306:3306`), if a port is set. */
  readonly port: string | undefined;
  readonly network: string;
  readonly labels: Readonly<Record<string, unknown>>;
  readonly options: Readonly<Record<string, unknown>>;
  readonly restartPolicy: string;
  readonly cmd: string | undefined;
  readonly env: Env;
  readonly envDirectory: string;
  /** `.kamal/apps/<svc[-dest]>/env/accessories/<name>.env` */
  readonly secretsPath: string;
  readonly files: readonly AccessoryPath[];
  readonly directories: readonly AccessoryPath[];
  /** `volumes:` as written. */
  readonly specificVolumes: readonly string[];
  readonly runningProxy: boolean;
  /** The accessory's own proxy section (not merged with the root one). */
  readonly proxy: ProxyConfig | undefined;
  /** The accessory's registry, when it has one (otherwise the root registry is used for login). */
  readonly registry: RegistryConfig | undefined;

  networkArgs(): string[];
  publishArgs(): string[];
  labelArgs(): (string | Sensitive)[];
  envArgs(): (string | Sensitive)[];
  /** `volumes:`, then file mounts, then directory mounts. */
  volumeArgs(): (string | Sensitive)[];
  optionArgs(): string[];
  /** dhow only: `depends_on` (absent when not set). */
  readonly dependsOn?: readonly Dependency[];
  /** dhow only: `healthcheck` (absent when not set). */
  readonly healthcheck?: AccessoryHealthcheck;
  /**
   * dhow only: the hash of the effective config that `docker run` records as the `dhow.config-hash` label
   * (accessory-config-hash.ts), or undefined when the config uses no dependency feature (no label: Kamal's
   * command). Computed on each call: reads the local files and looks up the secrets (throws the secrets
   * error for a missing one, as the env file would).
   */
  configHash(): string | undefined;
}

/** Resolves the accessory `name`. */
export function createAccessory(name: string, context: AccessoryContext): Accessory {
  const raw = (context.raw.accessories?.[name] ?? {}) as RawAccessory;
  const serviceName = raw.service ?? `${context.service}-${name}`;
  const registry =
    isHash(raw.registry) && Object.keys(raw.registry).length > 0
      ? createRegistry(raw.registry, context.secrets)
      : undefined;
  const rawPort = raw.port === undefined || raw.port === null ? undefined : String(raw.port);
  const port = rawPort === undefined ? undefined : rawPort.includes(":") ? rawPort : `${rawPort}:${rawPort}`;
  const network = raw.network ?? KAMAL_NETWORK;
  const labels: Record<string, unknown> = { service: serviceName, ...(raw.labels ?? {}) };
  const options = (raw.options ?? {}) as Record<string, unknown>;
  const restart = options.restart;
  const env = createEnv(raw.env, context.secrets);
  const secretsPath = fileJoin(context.envDirectory, "accessories", `${name}.env`);
  const files = (raw.files ?? []).map((entry) =>
    parsePathEntry(entry, DEFAULT_ACCESSORY_FILE_MODE, (local, remote) => ({
      local: resolve(context.cwd, local),
      template: local.endsWith("erb"),
      hostPath: serviceName + remote,
    })),
  );
  const directories = (raw.directories ?? []).map((entry) =>
    parsePathEntry(entry, undefined, (local) => ({
      local: isAbsolutePath(local) ? local : fileJoin(`$PWD/${serviceName}`, local),
      template: false,
      hostPath: isAbsolutePath(local) ? local : fileJoin(serviceName, local),
    })),
  );
  const specificVolumes = raw.volumes ?? [];
  const pathVolumes = (paths: readonly AccessoryPath[]): Volume[] =>
    paths.map((path) => createVolume(path.hostPath, path.containerPath, path.options));
  const proxy =
    isHash(raw.proxy) && Object.keys(raw.proxy).length > 0
      ? createProxy(raw.proxy, context.proxyContext, `accessories/${name}`)
      : undefined;

  const dependsOn = resolveDependsOn(raw.depends_on);
  const healthcheck = resolveAccessoryHealthcheck(raw.healthcheck);

  const tracksDrift = usesDependencyFeatures(context.raw);
  const accessory: Omit<Accessory, "configHash"> = {
    name,
    raw,
    serviceName,
    image: [registry?.server, raw.image].filter((part) => part !== undefined && part !== null).join("/"),
    hosts: accessoryHosts(raw, context),
    port,
    network,
    labels,
    options,
    restartPolicy: restart === undefined || restart === null ? DEFAULT_RESTART_POLICY : String(restart),
    cmd: raw.cmd ?? undefined,
    env,
    envDirectory: fileJoin(context.envDirectory, "accessories"),
    secretsPath,
    files,
    directories,
    specificVolumes,
    runningProxy: proxy !== undefined,
    proxy,
    registry,
    networkArgs: () => ["--network", network],
    publishArgs: () => (port === undefined ? [] : ["--publish", port]),
    labelArgs: () => argumentize("--label", labels),
    envArgs: () => [...env.clearArgs(), ...argumentize("--env-file", secretsPath)],
    volumeArgs: () => [
      ...argumentize("--volume", specificVolumes),
      ...[...pathVolumes(files), ...pathVolumes(directories)].flatMap((volume) => volume.dockerArgs()),
    ],
    optionArgs: () => optionize(Object.fromEntries(Object.entries(options).filter(([key]) => key !== "restart"))),
    ...(dependsOn === undefined ? {} : { dependsOn }),
    ...(healthcheck === undefined ? {} : { healthcheck }),
  };
  return {
    ...accessory,
    configHash: () => (tracksDrift ? accessoryConfigHash(accessory, { logging: context.raw.logging }) : undefined),
  };
}

function parsePathEntry(
  entry: RawPathEntry,
  defaultMode: string | undefined,
  expand: (local: string, remote: string) => { local: string; template: boolean; hostPath: string },
): AccessoryPath {
  if (isHash(entry)) {
    const local = String(entry.local ?? "");
    const remote = String(entry.remote ?? "");
    return {
      ...expand(local, remote),
      containerPath: remote,
      options: entry.options ?? undefined,
      mode: entry.mode === undefined || entry.mode === null ? defaultMode : String(entry.mode),
      owner: entry.owner ?? undefined,
    };
  }
  const [local = "", remote = "", options] = rubySplit(String(entry), ":", 3);
  return { ...expand(local, remote), containerPath: remote, options, mode: defaultMode, owner: undefined };
}

function accessoryHosts(raw: RawAccessory, context: AccessoryContext): readonly string[] {
  if ("host" in raw) return [String(raw.host)];
  if ("hosts" in raw) return (raw.hosts ?? []).map(String);
  const roleHosts = (roleName: string) => context.roles.find((role) => role.name === roleName)?.hosts ?? [];
  if ("role" in raw && raw.role !== undefined) return roleHosts(raw.role);
  if ("roles" in raw) return (raw.roles ?? []).flatMap(roleHosts);
  if ("tag" in raw && raw.tag !== undefined) return hostsWithTag(context.raw, raw.tag);
  if ("tags" in raw) return (raw.tags ?? []).flatMap((tag) => hostsWithTag(context.raw, tag));
  return [];
}

/**
 * Hosts whose tags include `tag`. Kamal only looks inside roles written as plain host lists; dhow also
 * looks in the `hosts:` of hash-form roles and in a top-level host list, where such tags can be written too.
 */
function hostsWithTag(raw: RawConfig, tag: string): string[] {
  const servers = raw.servers;
  const lists: (readonly RawHost[])[] = Array.isArray(servers)
    ? [servers as readonly RawHost[]]
    : Object.values((servers ?? {}) as Record<string, readonly RawHost[] | RawRole>).map((role) =>
        Array.isArray(role) ? role : ((role as RawRole).hosts ?? []),
      );
  return lists.flatMap((hosts) =>
    hosts.flatMap((host) => {
      if (!isHash(host)) return [];
      const [name, tags] = Object.entries(host)[0] ?? [];
      const list = Array.isArray(tags) ? tags : [tags];
      return name !== undefined && list.includes(tag) ? [name] : [];
    }),
  );
}

/**
 * Kamal's accessory validation (`Configuration::Accessory`): the `mysql` example of docs/accessory.yml,
 * exactly one placement key, reserved labels, the restart option, known roles, then its env, proxy and
 * registry sections. `roleNames` are the roles of `servers:`.
 */
export function validateAccessory(root: Scope, name: string, config: unknown, roleNames: readonly string[]): void {
  const scope = scopeAt(root, `accessories/${name}`, ["accessories", name]);
  validateSection(scope, withoutDhowKeys("accessory", config), "accessory");
  const accessory = config as RubyHash;
  const placements = ["host", "hosts", "role", "roles", "tag", "tags"].filter((key) => hasOwn(accessory, key));
  if (placements.length !== 1) fail(scope, "specify one of `host`, `hosts`, `role`, `roles`, `tag` or `tags`");
  if (hasOwn(accessory, "labels")) validateLabels(scope, accessory.labels);
  validateDockerOptions(scope, getOwn(accessory, "options"));
  validateDhowKeys("accessory", scope, accessory);

  const roles = getOwn(accessory, "roles");
  const role = getOwn(accessory, "role");
  if (isTruthy(roles) && Array.isArray(roles)) {
    const missing = roles.filter((item) => !roleNames.includes(rubyToS(item)) || typeof item !== "string");
    if (missing.length > 0) fail(scope, `unknown roles ${missing.map(rubyToS).join(", ")}`, [...scope.path, "roles"]);
  } else if (isTruthy(role) && !roleNames.includes(rubyToS(role))) {
    fail(scope, `unknown role ${rubyToS(role)}`, [...scope.path, "role"]);
  }

  validateEnv(
    scopeAt(root, `accessories/${name}/env`, ["accessories", name, "env"]),
    hasOwn(accessory, "env") ? accessory.env : {},
  );
  if (isPresent(accessory.proxy)) {
    validateProxy(scopeAt(root, `accessories/${name}/proxy`, ["accessories", name, "proxy"]), accessory.proxy);
  }
  if (isPresent(accessory.registry)) {
    validateRegistry(
      scopeAt(root, `accessories/${name}/registry`, ["accessories", name, "registry"]),
      accessory.registry,
    );
  }
}
