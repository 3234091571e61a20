/**
 * @module
 * Validates a merged raw config exactly as Kamal 2.12 does when it builds `Kamal::Configuration`: first the
 * schema of each section, in Kamal's order (root, servers and roles with their env/logging/proxy, registry,
 * accessories, aliases, boot, builder, env, logging, output, proxy, ssh, sshkit), then the cross-section
 * checks (destination required, required keys, primary role, empty roles, minimum_version,
 * retain_containers, service name, traefik hooks, SSL host rules, local registry with a remote builder,
 * proxy `run` conflicts, hooks_output). The first problem found is thrown as a ConfigError with Kamal's
 * message, the key path and the file and line where the YAML has it.
 *
 * @example
 * validateConfig(loaded.raw, { locate: loaded.locate, file: loaded.files[0], destination });
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { ConfigError, type SourceLocation } from "../errors.js";
import { configExample, type ExampleName } from "./config-docs.js";
import { deepMerge } from "./deep-merge.js";
import { compareGemVersions, isGemVersion } from "./gem-version.js";
import { withKamal1Hint } from "./kamal1-hints.js";
import type { KeyPath } from "./location-index.js";
import { getOwn, hasOwn, isBlank, isHash, isPresent, isTruthy, type RubyHash, rubyToS, setOwn } from "./ruby-values.js";
import {
  fail,
  rootScope,
  type Scope,
  scopeAt,
  unknownKeysError,
  validateAgainstExample,
  validateArrayOf,
  validateDockerOptions,
  validateHashOf,
  validateLabels,
  validateServers,
  validateType,
  within,
} from "./validator.js";

/** The Kamal version dhow is compatible with (for `minimum_version`). */
export const KAMAL_VERSION = "2.12.0";

/** Commands of `kamal` itself; an alias may not shadow them. */
export const KAMAL_COMMANDS = [
  "accessory",
  "app",
  "audit",
  "build",
  "config",
  "deploy",
  "details",
  "docs",
  "init",
  "lock",
  "proxy",
  "prune",
  "redeploy",
  "registry",
  "remove",
  "rollback",
  "secrets",
  "server",
  "setup",
  "upgrade",
  "version",
] as const;

/** Options for validateConfig. */
export interface ValidateConfigOptions {
  /** Maps key paths to file locations (LoadedConfigFile.locate). */
  readonly locate?: ((keyPath: readonly (string | number)[]) => SourceLocation | undefined) | undefined;
  /** The config file, for errors that have no better location. */
  readonly file?: string | undefined;
  /** The `-d` destination, if any (`require_destination` needs it). */
  readonly destination?: string | undefined;
  /** Project root; when given, hooks named pre/post-traefik-reboot in hooks_path are rejected (Kamal checks disk). */
  readonly cwd?: string | undefined;
  /** Local Docker architecture (`amd64`/`arm64`) for the local-registry + remote-builder check; default from Node. */
  readonly localArch?: string | undefined;
}

/** Throws a ConfigError for the first thing Kamal 2.12 would reject in `raw`; returns if it is valid. */
export function validateConfig(raw: Record<string, unknown>, options: ValidateConfigOptions = {}): void {
  try {
    new ConfigValidation(raw, options).run();
  } catch (error) {
    if (error instanceof ConfigError) throw withKamal1Hint(error, raw);
    throw error;
  }
}

/** What the cross-section checks need to know about a role. */
interface RoleInfo {
  readonly name: string;
  readonly hosts: string[];
  readonly runningProxy: boolean;
  /** The role's own proxy settings ({} for `proxy: true` or an implied proxy). */
  readonly proxyConfig: RubyHash | undefined;
}

/** What the cross-section checks need to know about an accessory. */
interface AccessoryInfo {
  readonly name: string;
  readonly config: RubyHash;
  readonly proxyConfig: RubyHash | undefined;
}

/** One validation run (holds the examples and the role list while sections are checked). */
class ConfigValidation {
  private readonly root: Scope;
  private roles: RoleInfo[] = [];
  private accessories: AccessoryInfo[] = [];
  private readonly mergedProxies = new Map<string, RubyHash>();

  constructor(
    private readonly raw: RubyHash,
    private readonly options: ValidateConfigOptions,
  ) {
    this.root = rootScope({ locate: options.locate, file: options.file });
  }

  run(): void {
    const raw = this.raw;
    validateAgainstExample(this.root, raw, configExample("configuration"), { allowExtensions: true, root: true });
    this.validateServers();
    this.validateRegistry(raw.registry, this.at("registry", ["registry"]));
    this.validateAccessories();
    this.validateAliases();
    this.against(this.at("boot", ["boot"]), raw.boot ?? {}, "boot");
    this.validateBuilder();
    this.validateEnv(raw.env ?? {}, this.at("env", ["env"]));
    this.against(this.at("logging", ["logging"]), raw.logging ?? {}, "logging");
    this.against(this.at("output", ["output"]), raw.output ?? {}, "output");
    this.validateProxy(raw.proxy, this.at("proxy", ["proxy"]));
    this.against(this.at("ssh", ["ssh"]), raw.ssh ?? {}, "ssh");
    this.against(this.at("sshkit", ["sshkit"]), raw.sshkit ?? {}, "sshkit");

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

  // ------------------------------------------------------------------------------------------------------
  // Sections

  private validateServers(): void {
    const servers = this.raw.servers;
    const scope = this.at("servers", ["servers"]);
    validateType(scope, servers, "Array", "Hash", "NilClass");
    if (Array.isArray(servers)) validateServers(scope, servers);
    const names = Array.isArray(servers) ? ["web"] : isHash(servers) ? sortRuby(Object.keys(servers)) : [];
    this.roles = names.map((name) => this.validateRole(name));
  }

  private validateRole(name: string): RoleInfo {
    const servers = this.raw.servers;
    const roleConfig = Array.isArray(servers) ? {} : isHash(servers) ? getOwn(servers, name) : undefined;
    const scope = this.at(`servers/${name}`, ["servers", name]);
    validateType(scope, roleConfig, "Array", "Hash");
    if (Array.isArray(roleConfig)) {
      validateServers(scope, roleConfig);
    } else {
      this.against(scope, roleConfig, "role");
      validateLabels(scope, getOwn(roleConfig as RubyHash, "labels"));
      validateDockerOptions(scope, getOwn(roleConfig as RubyHash, "options"));
    }
    const specializations: RubyHash = isHash(roleConfig) ? roleConfig : {};
    const env = hasOwn(specializations, "env") ? specializations.env : {};
    this.validateEnv(env, this.at(`servers/${name}/env`, ["servers", name, "env"]));
    const logging = hasOwn(specializations, "logging") ? specializations.logging : {};
    this.against(this.at(`servers/${name}/logging`, ["servers", name, "logging"]), logging ?? {}, "logging");

    const proxy = getOwn(specializations, "proxy");
    const primary = name === this.primaryRoleName();
    const runningProxy = primary ? proxy !== false : isTruthy(proxy);
    let proxyConfig: RubyHash | undefined;
    if (runningProxy) {
      proxyConfig = proxy === true || proxy === null || proxy === undefined ? {} : (proxy as RubyHash);
      this.validateProxy(proxyConfig, this.at(`servers/${name}/proxy`, ["servers", name, "proxy"]));
    }
    return { name, hosts: roleHosts(servers, name), runningProxy, proxyConfig };
  }

  private validateRegistry(config: unknown, scope: Scope): void {
    const registry = isTruthy(config) ? config : {};
    validateType(scope, registry, "Hash");
    const hash = registry as RubyHash;
    const special = new Set(["username", "password"]);
    const rest: RubyHash = {};
    for (const [key, value] of Object.entries(hash)) if (!special.has(key)) setOwn(rest, key, value);
    const example: RubyHash = {};
    const registryExample = configExample("registry") as RubyHash;
    for (const [key, value] of Object.entries(registryExample)) if (!special.has(key)) setOwn(example, key, value);
    validateAgainstExample(scope, rest, example);
    for (const key of ["username", "password"]) {
      const inner = within(scope, key);
      const value = getOwn(hash, key);
      if (isLocalRegistry(getOwn(hash, "server"))) continue;
      if (!isPresent(value)) fail(inner, "is required");
      const oneSecret = Array.isArray(value) && value.length === 1 && typeof value[0] === "string";
      if (typeof value !== "string" && !oneSecret) {
        fail(inner, "should be a string or an array with one string (for secret lookup)");
      }
    }
  }

  private validateAccessories(): void {
    const accessories = this.raw.accessories;
    if (!isHash(accessories)) return;
    for (const [name, config] of Object.entries(accessories)) {
      const scope = this.at(`accessories/${name}`, ["accessories", name]);
      this.against(scope, config, "accessory");
      const accessory = config as RubyHash;
      const placements = ["host", "hosts", "role", "roles", "tag", "tags"].filter((key) => hasOwn(accessory, key));
      if (placements.length !== 1) fail(scope, "specify one of `host`, `hosts`, `role`, `roles`, `tag` or `tags`");
      if (hasOwn(accessory, "labels")) validateLabels(scope, accessory.labels);
      validateDockerOptions(scope, getOwn(accessory, "options"));

      const roleNames = this.roles.map((role) => role.name);
      const roles = getOwn(accessory, "roles");
      const role = getOwn(accessory, "role");
      if (isTruthy(roles) && Array.isArray(roles)) {
        const missing = roles.filter((item) => !roleNames.includes(rubyToS(item)) || typeof item !== "string");
        if (missing.length > 0)
          fail(scope, `unknown roles ${missing.map(rubyToS).join(", ")}`, [...scope.path, "roles"]);
      } else if (isTruthy(role) && !roleNames.includes(rubyToS(role))) {
        fail(scope, `unknown role ${rubyToS(role)}`, [...scope.path, "role"]);
      }

      const env = hasOwn(accessory, "env") ? accessory.env : {};
      this.validateEnv(env, this.at(`accessories/${name}/env`, ["accessories", name, "env"]));
      let proxyConfig: RubyHash | undefined;
      if (isPresent(accessory.proxy)) {
        this.validateProxy(accessory.proxy, this.at(`accessories/${name}/proxy`, ["accessories", name, "proxy"]));
        proxyConfig = accessory.proxy as RubyHash;
      }
      if (isPresent(accessory.registry)) {
        this.validateRegistry(
          accessory.registry,
          this.at(`accessories/${name}/registry`, ["accessories", name, "registry"]),
        );
      }
      this.accessories.push({ name, config: accessory, proxyConfig });
    }
  }

  private validateAliases(): void {
    const aliases = this.raw.aliases;
    if (!isHash(aliases)) return;
    for (const [name, command] of Object.entries(aliases)) {
      const scope = this.at(`aliases/${name}`, ["aliases", name]);
      this.against(scope, command, "alias");
      if (!/^[a-z0-9_-]+$/.test(name)) {
        fail(
          scope,
          `Invalid alias name: '${name}'. Must only contain lowercase letters, alphanumeric, hyphens and underscores.`,
        );
      }
      if ((KAMAL_COMMANDS as readonly string[]).includes(name)) {
        fail(scope, `Alias '${name}' conflicts with a built-in command.`);
      }
    }
  }

  private validateBuilder(): void {
    const builder = this.raw.builder ?? {};
    const scope = this.at("builder", ["builder"]);
    this.against(scope, builder, "builder");
    const config = builder as RubyHash;
    const cache = getOwn(config, "cache");
    if (isHash(cache) && isTruthy(cache.type)) {
      const type = cache.type;
      if (type !== "gha" && type !== "registry")
        fail(scope, `Invalid cache type: ${rubyToS(type)}`, ["builder", "cache", "type"]);
    }
    if (!isPresent(config.arch)) fail(scope, "Builder arch not set");
    if (isTruthy(config.pack) && Array.isArray(config.arch) && config.arch.length > 1) {
      fail(scope, "buildpacks only support building for one arch", ["builder", "arch"]);
    }
    if (config.local === false && isBlank(config.remote)) {
      fail(scope, "Cannot disable local builds, no remote is set", ["builder", "local"]);
    }
  }

  /** Kamal's Validator::Env: a simple hash of strings, or clear/secret(/tags at the root only). */
  private validateEnv(config: unknown, scope: Scope): void {
    if (!isHash(config)) {
      validateType(scope, config, "Hash");
      return;
    }
    const special = ["clear", "secret", "tags"];
    const keys = Object.keys(config);
    if (!keys.some((key) => special.includes(key))) {
      validateHashOf(scope, config, "String");
      return;
    }
    const unknown = keys.filter((key) => !special.includes(key));
    if (unknown.length > 0) unknownKeysError(scope, unknown);
    if (hasOwn(config, "clear")) validateHashOf(within(scope, "clear"), config.clear, "String");
    if (hasOwn(config, "secret")) validateArrayOf(within(scope, "secret"), config.secret, "String");
    if (hasOwn(config, "tags")) {
      if (scope.context !== "env") fail(scope, "tags are only allowed in the root env");
      const tagsScope = within(scope, "tags");
      validateType(tagsScope, config.tags, "Hash");
      for (const [tag, value] of Object.entries(config.tags as RubyHash)) {
        const tagScope = within(tagsScope, tag);
        validateType(tagScope, value, "Hash");
        this.validateEnv(value, tagScope);
      }
    }
  }

  /** Kamal's Validator::Proxy (schema, host/ssl rules, run publish rules). */
  private validateProxy(config: unknown, scope: Scope): void {
    if (config === null || config === undefined) return;
    this.against(scope, config, "proxy");
    const proxy = config as RubyHash;
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

  // ------------------------------------------------------------------------------------------------------
  // Cross-section checks (Kamal::Configuration#initialize, ensure_*)

  private ensureDestinationIfRequired(): void {
    if (isTruthy(this.raw.require_destination) && this.options.destination === undefined) {
      fail(this.at("", ["require_destination"]), "You must specify a destination");
    }
  }

  private ensureRequiredKeysPresent(): void {
    const raw = this.raw;
    for (const key of ["service", "registry"]) {
      if (!isPresent(raw[key])) fail(this.at("", [key]), `Missing required configuration for ${key}`);
    }
    if (isBlank(this.image())) fail(this.at("", ["image"]), "Missing required configuration for image");
    if (raw.servers === null || raw.servers === undefined) {
      if (!isPresent(raw.accessories)) fail(this.at("", ["servers"]), "No servers or accessories specified");
      return;
    }
    const primaryName = this.primaryRoleName();
    const primary = this.roles.find((role) => role.name === primaryName);
    if (!primary) fail(this.at("", ["primary_role"]), `The primary_role ${rubyToS(primaryName)} isn't defined`);
    if (primary.hosts.length === 0) {
      fail(this.at("", ["servers", primary.name]), `No servers specified for the ${primary.name} primary_role`);
    }
    if (!isTruthy(raw.allow_empty_roles)) {
      for (const role of this.roles) {
        if (role.hosts.length === 0) {
          fail(
            this.at("", ["servers", role.name]),
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
    const scope = this.at("", ["minimum_version"]);
    if (!isGemVersion(text)) fail(scope, `Malformed version number string ${text}`);
    if (compareGemVersions(text, KAMAL_VERSION) > 0) {
      fail(scope, `Current version is ${KAMAL_VERSION}, minimum required is ${text}`);
    }
  }

  private ensureRetainContainersValid(): void {
    const retain = this.raw.retain_containers;
    const value = retain === null || retain === undefined || retain === false ? 5 : retain;
    if ((typeof value === "number" || typeof value === "bigint") && value < 1) {
      fail(this.at("", ["retain_containers"]), "Must retain at least 1 container");
    }
  }

  private ensureValidServiceName(): void {
    const service = this.raw.service;
    if (typeof service !== "string" || !/^[a-z0-9_-]+$/im.test(service)) {
      fail(this.at("", ["service"]), "Service name can only include alphanumeric characters, hyphens, and underscores");
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
      fail(
        this.at("", ["hooks_path"]),
        `Found ${hooks.join(", ")}, these should be renamed to (pre|post)-proxy-reboot`,
      );
    }
  }

  private ensureOneHostForSslRoles(): void {
    for (const role of this.roles) {
      if (!role.runningProxy) continue;
      const proxy = this.roleProxy(role);
      if (isTruthy(proxy.ssl) && role.hosts.length > 1 && !customSslCertificate(proxy)) {
        fail(
          this.at("", ["servers", role.name]),
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
      fail(this.at("", ["proxy"]), `Different roles can't share the same host for SSL: ${duplicates.join(", ")}`);
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
        this.at("", ["builder", "remote"]),
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
      const distinct = runs.filter((run, index) => runs.findIndex((other) => rubyDeepEqual(run, other)) === index);
      if (distinct.length > 1)
        fail(this.at("", ["proxy", "run"]), `Conflicting proxy run configurations for host ${host}`);
    }
  }

  private ensureValidHooksOutput(): void {
    const value = this.raw.hooks_output;
    const scope = this.at("", ["hooks_output"]);
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

  // ------------------------------------------------------------------------------------------------------
  // Helpers

  /**
   * validate_against_example! with the section's example from the docs. An empty hash only needs the type
   * check (every example here is a hash, except alias), so the doc is not even read for it.
   */
  private against(scope: Scope, value: unknown, example: ExampleName): void {
    if (example !== "alias" && isHash(value) && Object.keys(value).length === 0) return;
    validateAgainstExample(scope, value, configExample(example));
  }

  /** A scope with Kamal's context string and the key path used for locations. */
  private at(context: string, path: KeyPath): Scope {
    return scopeAt(this.root, context, path);
  }

  private primaryRoleName(): unknown {
    const primary = this.raw.primary_role;
    return isTruthy(primary) ? primary : "web";
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
    this.validateProxy(merged, scopeAt(this.root, "proxy", ["servers", role.name, "proxy"]));
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

function isLocalRegistry(server: unknown): boolean {
  return typeof server === "string" && /^localhost[:$]/m.test(server);
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

/** Ruby `String#split(separator)`: trailing empty fields are dropped. */
function rubySplit(text: string, separator: string): string[] {
  const parts = text.split(separator);
  while (parts.length > 0 && parts.at(-1) === "") parts.pop();
  return parts;
}

/** Ruby's default String sort (byte order). */
function sortRuby(names: string[]): string[] {
  return [...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/** Ruby `==` for loaded values (Hash equality ignores key order). */
function rubyDeepEqual(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, i) => rubyDeepEqual(item, b[i]));
  if (isHash(a) && isHash(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length && keys.every((key) => hasOwn(b, key) && rubyDeepEqual(a[key], b[key]))
    );
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}

/** Docker's name for this machine's architecture. */
function nodeDockerArch(): string {
  return process.arch === "x64" ? "amd64" : process.arch;
}
