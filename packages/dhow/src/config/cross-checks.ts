/**
 * @module
 * Kamal's checks across sections (`Kamal::Configuration#initialize`, the `ensure_*` methods), in its order
 * and with its wording: destination required, required keys, primary role, empty roles, minimum_version,
 * retain_containers, service name, traefik hooks, SSL host rules, local registry with a remote builder,
 * proxy `run` conflicts, hooks_output. They run on a raw config whose sections are already valid
 * (`validateConfig` calls them last); the first problem is thrown as a ConfigError with its key path.
 */
import { KAMAL_COMPAT_VERSION } from "../version.js";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  deepMerge,
  getOwn,
  hasOwn,
  isBlank,
  isHash,
  isPresent,
  isTruthy,
  type RubyHash,
  rubyEqual,
  rubySplit,
  rubyToS,
} from "../ruby.js";
import { compareGemVersions, isGemVersion } from "./gem-version.js";
import type { KeyPath } from "./load/location-index.js";
import { isLocalRegistry } from "./sections/registry.js";
import { validateProxy } from "./sections/proxy.js";
import { roleRunsProxy } from "./sections/role.js";
import { roleNamesOf } from "./sections/servers.js";
import { fail, type Scope, scopeAt } from "./validator.js";

/** What the cross-section checks need besides the raw config. */
export interface CrossCheckOptions {
  /** The `-d` destination, if any (`require_destination` needs it). */
  readonly destination?: string | undefined;
  /** Project root; when given, hooks named pre/post-traefik-reboot in hooks_path are rejected (Kamal checks disk). */
  readonly cwd?: string | undefined;
  /** Local Docker architecture (`amd64`/`arm64`) for the local-registry + remote-builder check; default from Node. */
  readonly localArch?: string | undefined;
}

/** Throws a ConfigError for the first cross-section problem of `raw`; `root` is the root scope. */
export function checkAcrossSections(raw: RubyHash, root: Scope, options: CrossCheckOptions = {}): void {
  new CrossChecks(raw, root, options).run();
}

/** What the checks need to know about a role. */
interface RoleInfo {
  readonly name: string;
  readonly hosts: string[];
  readonly runningProxy: boolean;
  /** The role's own proxy settings ({} for `proxy: true` or an implied proxy). */
  readonly proxyConfig: RubyHash | undefined;
}

/** What the checks need to know about an accessory. */
interface AccessoryInfo {
  readonly config: RubyHash;
  readonly proxyConfig: RubyHash | undefined;
}

class CrossChecks {
  private readonly roles: RoleInfo[];
  private readonly accessories: AccessoryInfo[];
  private readonly mergedProxies = new Map<string, RubyHash>();

  constructor(
    private readonly raw: RubyHash,
    private readonly root: Scope,
    private readonly options: CrossCheckOptions,
  ) {
    this.roles = roleNamesOf(raw.servers).map((name) => roleInfo(raw, name));
    this.accessories = isHash(raw.accessories)
      ? Object.values(raw.accessories).map((config) => {
          const accessory = config as RubyHash;
          return {
            config: accessory,
            proxyConfig: isPresent(accessory.proxy) ? (accessory.proxy as RubyHash) : undefined,
          };
        })
      : [];
  }

  run(): void {
    this.ensureDestinationIfRequired();
    this.ensureRequiredKeysPresent();
    this.ensureValidKamalVersion();
    this.ensureRetainContainersValid();
    this.ensureValidServiceName();
    this.ensureNoTraefikRebootHooks();
    this.ensureOneHostForSslRoles();
    this.ensureUniqueHostsForSslRoles();
    this.ensureLocalRegistryRemoteBuilderHasSshUrl();
    this.ensureNoConflictingProxyRuns();
    this.ensureValidHooksOutput();
  }

  private ensureDestinationIfRequired(): void {
    if (isTruthy(this.raw.require_destination) && this.options.destination === undefined) {
      fail(this.at(["require_destination"]), "You must specify a destination");
    }
  }

  private ensureRequiredKeysPresent(): void {
    const raw = this.raw;
    for (const key of ["service", "registry"]) {
      if (!isPresent(raw[key])) fail(this.at([key]), `Missing required configuration for ${key}`);
    }
    if (isBlank(this.image())) fail(this.at(["image"]), "Missing required configuration for image");
    if (raw.servers === null || raw.servers === undefined) {
      if (!isPresent(raw.accessories)) fail(this.at(["servers"]), "No servers or accessories specified");
      return;
    }
    const primaryName = primaryRoleName(raw);
    const primary = this.roles.find((role) => role.name === primaryName);
    if (!primary) fail(this.at(["primary_role"]), `The primary_role ${rubyToS(primaryName)} isn't defined`);
    if (primary.hosts.length === 0) {
      fail(this.at(["servers", primary.name]), `No servers specified for the ${primary.name} primary_role`);
    }
    if (!isTruthy(raw.allow_empty_roles)) {
      for (const role of this.roles) {
        if (role.hosts.length === 0) {
          fail(
            this.at(["servers", role.name]),
            `No servers specified for the ${role.name} role. You can ignore this with allow_empty_roles: true`,
          );
        }
      }
    }
  }

  private ensureValidKamalVersion(): void {
    const minimum = this.raw.minimum_version;
    if (!isTruthy(minimum)) return;
    const text = rubyToS(minimum);
    const scope = this.at(["minimum_version"]);
    if (!isGemVersion(text)) fail(scope, `Malformed version number string ${text}`);
    if (compareGemVersions(text, KAMAL_COMPAT_VERSION) > 0) {
      fail(scope, `Current version is ${KAMAL_COMPAT_VERSION}, minimum required is ${text}`);
    }
  }

  private ensureRetainContainersValid(): void {
    const retain = this.raw.retain_containers;
    const value = retain === null || retain === undefined || retain === false ? 5 : retain;
    if ((typeof value === "number" || typeof value === "bigint") && value < 1) {
      fail(this.at(["retain_containers"]), "Must retain at least 1 container");
    }
  }

  private ensureValidServiceName(): void {
    const service = this.raw.service;
    if (typeof service !== "string" || !/^[a-z0-9_-]+$/im.test(service)) {
      fail(this.at(["service"]), "Service name can only include alphanumeric characters, hyphens, and underscores");
    }
  }

  private ensureNoTraefikRebootHooks(): void {
    const cwd = this.options.cwd;
    if (cwd === undefined) return;
    const hooksPath = isTruthy(this.raw.hooks_path) ? rubyToS(this.raw.hooks_path) : ".kamal/hooks";
    const hooks = ["pre-traefik-reboot", "post-traefik-reboot"].filter((hook) =>
      existsSync(resolve(cwd, join(hooksPath, hook))),
    );
    if (hooks.length > 0) {
      fail(this.at(["hooks_path"]), `Found ${hooks.join(", ")}, these should be renamed to (pre|post)-proxy-reboot`);
    }
  }

  private ensureOneHostForSslRoles(): void {
    for (const role of this.roles) {
      if (!role.runningProxy) continue;
      const proxy = this.roleProxy(role);
      if (isTruthy(proxy.ssl) && role.hosts.length > 1 && !customSslCertificate(proxy)) {
        fail(
          this.at(["servers", role.name]),
          `SSL is only supported on a single server unless you provide custom certificates, found ${role.hosts.length} servers for role ${role.name}`,
        );
      }
    }
  }

  private ensureUniqueHostsForSslRoles(): void {
    const hosts = this.roles
      .filter((role) => role.runningProxy && isTruthy(this.roleProxy(role).ssl))
      .flatMap((role) => proxyHosts(this.roleProxy(role)));
    const counts = new Map<string, number>();
    for (const host of hosts) counts.set(host, (counts.get(host) ?? 0) + 1);
    const duplicates = [...counts].filter(([, count]) => count > 1).map(([host]) => host);
    if (duplicates.length > 0) {
      fail(this.at(["proxy"]), `Different roles can't share the same host for SSL: ${duplicates.join(", ")}`);
    }
  }

  private ensureLocalRegistryRemoteBuilderHasSshUrl(): void {
    const registry = isHash(this.raw.registry) ? this.raw.registry : {};
    const builder = isHash(this.raw.builder) ? this.raw.builder : {};
    if (!isLocalRegistry(registry.server) || !isTruthy(builder.remote)) return;
    const arches = Array.isArray(builder.arch) ? builder.arch.map(rubyToS) : [rubyToS(builder.arch)];
    const localDisabled = builder.local === false;
    const localArch = this.options.localArch ?? nodeDockerArch();
    const localArches = localDisabled ? [] : arches.filter((arch) => arch === localArch);
    const remoteArches = arches.filter((arch) => !localArches.includes(arch));
    if (remoteArches.length === 0) return;
    if (!/^ssh:/.test(rubyToS(builder.remote))) {
      fail(
        this.at(["builder", "remote"]),
        "Local registry with remote builder requires an SSH URL (e.g., ssh://user@host)",
      );
    }
  }

  private ensureNoConflictingProxyRuns(): void {
    const accessoryHosts = this.accessories.map((accessory) => ({ accessory, hosts: this.accessoryHosts(accessory) }));
    const allHosts = [
      ...new Set([...this.roles.flatMap((role) => role.hosts), ...accessoryHosts.flatMap((a) => a.hosts)]),
    ];
    for (const host of allHosts) {
      const runs: unknown[] = [];
      for (const role of this.roles) {
        if (!role.hosts.includes(host) || !role.runningProxy) continue;
        const run = this.roleProxy(role).run;
        if (isPresent(run)) runs.push(run);
      }
      for (const { accessory, hosts } of accessoryHosts) {
        if (!hosts.includes(host) || !accessory.proxyConfig) continue;
        const run = accessory.proxyConfig.run;
        if (isPresent(run)) runs.push(run);
      }
      const distinct = runs.filter((run, index) => runs.findIndex((other) => rubyEqual(run, other)) === index);
      if (distinct.length > 1) fail(this.at(["proxy", "run"]), `Conflicting proxy run configurations for host ${host}`);
    }
  }

  private ensureValidHooksOutput(): void {
    const value = this.raw.hooks_output;
    const scope = this.at(["hooks_output"]);
    const check = (level: unknown, hook?: string) => {
      const name = rubyToS(level);
      if (name === "quiet" || name === "verbose") return;
      const context = hook === undefined ? "" : ` for hook '${hook}'`;
      fail(
        scope,
        `Invalid hooks_output '${name}'${context}, must be one of: quiet, verbose`,
        hook === undefined ? ["hooks_output"] : ["hooks_output", hook],
      );
    };
    if (typeof value === "string") check(value);
    else if (isHash(value)) for (const [hook, level] of Object.entries(value)) check(level, hook);
  }

  /** A root-level scope (Kamal's context "") located at `path`. */
  private at(path: KeyPath): Scope {
    return scopeAt(this.root, "", path);
  }

  private image(): unknown {
    const image = this.raw.image;
    if (isPresent(image)) return image;
    const registry = isHash(this.raw.registry) ? this.raw.registry : {};
    return isLocalRegistry(registry.server) ? this.raw.service : undefined;
  }

  /** The role's proxy: root proxy deep-merged with the role's (validated again, as Kamal's Proxy#merge does). */
  private roleProxy(role: RoleInfo): RubyHash {
    const cached = this.mergedProxies.get(role.name);
    if (cached) return cached;
    const root = isHash(this.raw.proxy) ? this.raw.proxy : {};
    const merged = deepMerge(root, role.proxyConfig ?? {});
    validateProxy(scopeAt(this.root, "proxy", ["servers", role.name, "proxy"]), merged);
    this.mergedProxies.set(role.name, merged);
    return merged;
  }

  private accessoryHosts(accessory: AccessoryInfo): string[] {
    const config = accessory.config;
    const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(rubyToS) : [rubyToS(value)]);
    if (hasOwn(config, "host")) return list(config.host);
    if (hasOwn(config, "hosts")) return list(config.hosts);
    const roleHostsOf = (name: unknown) => this.roles.find((role) => role.name === rubyToS(name))?.hosts ?? [];
    if (hasOwn(config, "role")) return roleHostsOf(config.role);
    if (hasOwn(config, "roles") && Array.isArray(config.roles)) return config.roles.flatMap(roleHostsOf);
    const tags = hasOwn(config, "tag") ? [config.tag] : Array.isArray(config.tags) ? config.tags : [];
    return tags.flatMap((tag) => hostsWithTag(this.raw.servers, rubyToS(tag)));
  }
}

function primaryRoleName(raw: RubyHash): unknown {
  return isTruthy(raw.primary_role) ? raw.primary_role : "web";
}

function roleInfo(raw: RubyHash, name: string): RoleInfo {
  const servers = raw.servers;
  const roleConfig = Array.isArray(servers) ? {} : isHash(servers) ? getOwn(servers, name) : undefined;
  const specializations: RubyHash = isHash(roleConfig) ? roleConfig : {};
  const proxy = getOwn(specializations, "proxy");
  const runningProxy = roleRunsProxy(raw, name, proxy);
  const proxyConfig = !runningProxy
    ? undefined
    : proxy === true || proxy === null || proxy === undefined
      ? {}
      : (proxy as RubyHash);
  return { name, hosts: roleHosts(servers, name), runningProxy, proxyConfig };
}

/** Kamal's Role#hosts: the role's host list (strings and the keys of `{host: tags}` entries), unique. */
function roleHosts(servers: unknown, name: string): string[] {
  let entries: unknown[] = [];
  if (Array.isArray(servers)) entries = servers;
  else if (isHash(servers)) {
    const role = getOwn(servers, name);
    if (Array.isArray(role)) entries = role;
    else if (isHash(role) && Array.isArray(role.hosts)) entries = role.hosts;
  }
  const hosts: string[] = [];
  for (const entry of entries) {
    const host = isHash(entry) ? Object.keys(entry)[0] : typeof entry === "string" ? entry : undefined;
    if (host !== undefined && !hosts.includes(host)) hosts.push(host);
  }
  return hosts;
}

/** Kamal's accessory `tag:` lookup: hosts of array-form roles whose tags include the tag. */
function hostsWithTag(servers: unknown, tag: string): string[] {
  if (!isHash(servers)) return [];
  return Object.values(servers).flatMap((role) =>
    Array.isArray(role)
      ? role.flatMap((host) => {
          if (!isHash(host)) return [];
          const [name, tags] = Object.entries(host)[0] ?? [];
          const tagged = Array.isArray(tags) ? tags.includes(tag) : typeof tags === "string" && tags.includes(tag);
          return name !== undefined && tagged ? [name] : [];
        })
      : [],
  );
}

function customSslCertificate(proxy: RubyHash): boolean {
  const ssl = proxy.ssl;
  return isHash(ssl) && isPresent(ssl.certificate_pem) && isPresent(ssl.private_key_pem);
}

/** Kamal's Proxy#hosts: `hosts`, else `host` split on commas. */
function proxyHosts(proxy: RubyHash): string[] {
  if (isTruthy(proxy.hosts) && Array.isArray(proxy.hosts)) return proxy.hosts.map(rubyToS);
  if (typeof proxy.host === "string") return rubySplit(proxy.host, ",");
  return [];
}

/** Docker's name for this machine's architecture. */
function nodeDockerArch(): string {
  return process.arch === "x64" ? "amd64" : process.arch;
}
