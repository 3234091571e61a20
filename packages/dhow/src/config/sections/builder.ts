/**
 * @module
 * The `builder:` section of deploy.yml, resolved the way Kamal 2.12's `Kamal::Configuration::Builder` does.
 * Everything here is pure: facts about this machine (docker arch, git root, pwd, tmpdir) come in as a
 * `BuildFacts` value, gathered for real by `remote/build-facts.ts`.
 */
import { createHash } from "node:crypto";
import { basename, fileJoin, isBlank, isHash, isTruthy, type RubyHash, rubyToS } from "../../ruby.js";
import { fail, type Scope, scopeAt, validateSection } from "../validator.js";

/** A `builder.args` value as YAML gives it (Kamal passes numbers and booleans through `to_s`). */
export type BuildArgValue = string | number | boolean | null;

/** `builder.pack` as written in deploy.yml. */
export interface RawPackConfig {
  readonly builder?: string;
  readonly buildpacks?: readonly string[];
}

/** `builder.cache` as written in deploy.yml. */
export interface RawCacheConfig {
  readonly type?: string;
  readonly options?: string;
  readonly image?: string;
}

/** The deploy.yml `builder:` section, as written (after ERB, YAML and destination merge). */
export interface RawBuilderConfig {
  readonly arch?: string | readonly string[];
  readonly remote?: string;
  readonly local?: boolean;
  readonly pack?: RawPackConfig;
  readonly cache?: RawCacheConfig;
  readonly context?: string;
  readonly dockerfile?: string;
  readonly target?: string;
  readonly args?: Readonly<Record<string, BuildArgValue>>;
  readonly secrets?: readonly string[];
  readonly ssh?: string;
  readonly driver?: string;
  readonly provenance?: string | boolean;
  readonly sbom?: string | boolean;
}

/** Where builder secret values come from (structurally the `Secrets` of `secrets/secrets.ts`). */
export interface BuilderSecretsSource {
  get(key: string): string;
}

/** The root-config values the builder section depends on. */
export interface BuilderRoot {
  readonly service: string;
  readonly image: string;
  readonly repository: string;
  readonly registryServer: string | undefined;
  readonly localRegistry: boolean;
  readonly secrets: BuilderSecretsSource;
  readonly destination: string | undefined;
}

/** A Cloud Native Buildpacks build (`builder.pack`). */
export interface PackConfig {
  readonly builder: string | undefined;
  readonly buildpacks: readonly string[];
}

/** The resolved builder configuration. Arch selection needs the local docker arch: see `localArches`. */
export interface BuilderConfig {
  /** The section as written, for `dhow config` (Kamal's `builder.to_h`). */
  readonly raw: RawBuilderConfig;
  readonly service: string;
  readonly image: string;
  /** Architectures to build (`amd64`, `arm64`), in the order written. */
  readonly arches: readonly string[];
  /** Remote builder connection string (`ssh://user@host`), if any. */
  readonly remote: string | undefined;
  /** `local: false`: every arch goes to the remote builder. */
  readonly localDisabled: boolean;
  /** buildx driver, `docker-container` unless set. */
  readonly driver: string;
  /** `driver: docker`: no buildx builder of our own. */
  readonly dockerDriver: boolean;
  /** `driver: cloud org/name`: Docker Build Cloud. */
  readonly cloud: boolean;
  readonly cached: boolean;
  /** `--cache-from` value, or undefined when no (known) cache type is set. */
  readonly cacheFrom: string | undefined;
  /** `--cache-to` value, or undefined when no (known) cache type is set. */
  readonly cacheTo: string | undefined;
  /** The build context: `builder.context`, or `.` (the git clone, or the working dir without git). */
  readonly context: string;
  /** True when `builder.context` is set, so no git clone is made. */
  readonly contextSet: boolean;
  readonly dockerfile: string;
  readonly target: string | undefined;
  readonly args: Readonly<Record<string, BuildArgValue>>;
  /** Names of the build secrets (`--secret id=NAME`). Values: `builderSecrets`. */
  readonly secretNames: readonly string[];
  readonly ssh: string | undefined;
  readonly provenance: string | boolean | undefined;
  readonly sbom: string | boolean | undefined;
  /** Set when `builder.pack` is present. */
  readonly pack: PackConfig | undefined;
  /** The registry is `localhost:PORT` (builders get `--driver-opt network=host`). */
  readonly localRegistry: boolean;
  /** Whether the docker arch fact matters (only with a remote builder and local builds allowed). */
  readonly needsDockerArch: boolean;
  /** Arches built on this machine: none with `local: false`; with a remote, only the local docker arch. */
  localArches(facts: Pick<BuildFacts, "dockerArch">): readonly string[];
  /** Arches built on the remote builder (none without `remote`). */
  remoteArches(facts: Pick<BuildFacts, "dockerArch">): readonly string[];
  /** Some arch is built locally (Kamal's `builder.local?`). */
  isLocal(facts: Pick<BuildFacts, "dockerArch">): boolean;
  /** Some arch is built remotely (Kamal's `builder.remote?`). */
  isRemote(facts: Pick<BuildFacts, "dockerArch">): boolean;
  /** Builds from a fresh git clone of HEAD: git is in use and `builder.context` is not set. */
  isGitClone(facts: Pick<BuildFacts, "gitUsed">): boolean;
  /** `<tmpdir>/kamal-clones/<service>-<first 13 hex of sha256(pwd)>`. */
  cloneDirectory(facts: Pick<BuildFacts, "tmpdir" | "pwd">): string;
  /** Where the build runs: `<clone dir>/<repo name>/<pwd below the repo root>` in git-clone mode, else `.`. */
  buildDirectory(facts: Pick<BuildFacts, "gitUsed" | "gitRoot" | "tmpdir" | "pwd">): string;
  /** Builder secret values by name (for `--secret` and the build's env). Throws for a missing secret. */
  secrets(): Readonly<Record<string, string>>;
}

/**
 * Facts about this machine that builder commands depend on. Gathered by `remote/build-facts.ts`;
 * tests and the golden runner pass fixed values.
 */
export interface BuildFacts {
  /** `docker info` architecture normalised to `amd64`/`arm64` (else as docker reports it, "" if unknown). */
  readonly dockerArch: string;
  /** `git rev-parse` succeeds in the working directory. */
  readonly gitUsed: boolean;
  /** `git rev-parse --show-toplevel` ("" without git). */
  readonly gitRoot: string;
  /** `git rev-parse HEAD` ("" without git). */
  readonly gitRevision: string;
  /** The working directory (Ruby's `Dir.pwd`). */
  readonly pwd: string;
  /** The temp dir (Ruby's `Dir.tmpdir`). */
  readonly tmpdir: string;
  /** The configured Dockerfile exists, relative to the working directory. */
  readonly dockerfileExists: boolean;
}

/** The buildx driver when none is configured. */
export const DEFAULT_BUILDER_DRIVER = "docker-container";
/** The Dockerfile when none is configured. */
export const DEFAULT_DOCKERFILE = "Dockerfile";
/** The build context when none is configured. */
export const DEFAULT_BUILD_CONTEXT = ".";
/** Cache types Kamal accepts. */
export const BUILDER_CACHE_TYPES = ["gha", "registry"] as const;

/**
 * Resolves a validated `builder:` section (see `validateBuilder`).
 */
export function createBuilderConfig(raw: RawBuilderConfig | undefined, root: BuilderRoot): BuilderConfig {
  const section: RawBuilderConfig = raw ?? {};

  const driver = section.driver ?? DEFAULT_BUILDER_DRIVER;
  const cache = section.cache;
  const cached = Boolean(cache);
  const cacheImageRef = [root.registryServer, cache?.image ?? `${root.image}-build-cache`]
    .filter((part): part is string => part !== undefined && part !== null)
    .join("/");

  const config: BuilderConfig = {
    raw: section,
    service: root.service,
    image: root.image,
    arches: toArray(section.arch),
    remote: section.remote ?? undefined,
    localDisabled: section.local === false,
    driver,
    dockerDriver: driver === "docker",
    cloud: driver.startsWith("cloud"),
    cached,
    cacheFrom: cached ? cacheFrom(cache?.type, cacheImageRef) : undefined,
    cacheTo: cached ? cacheTo(cache?.type, cache?.options, cacheImageRef) : undefined,
    context: section.context ?? DEFAULT_BUILD_CONTEXT,
    contextSet: section.context !== undefined && section.context !== null,
    dockerfile: section.dockerfile ?? DEFAULT_DOCKERFILE,
    target: section.target ?? undefined,
    args: section.args ?? {},
    secretNames: section.secrets ?? [],
    ssh: section.ssh ?? undefined,
    provenance: section.provenance ?? undefined,
    sbom: section.sbom ?? undefined,
    pack: section.pack ? { builder: section.pack.builder, buildpacks: section.pack.buildpacks ?? [] } : undefined,
    localRegistry: root.localRegistry,
    needsDockerArch: Boolean(section.remote) && section.local !== false,
    localArches: (facts) => localArches(config, facts),
    remoteArches: (facts) => remoteArches(config, facts),
    isLocal: (facts) => !config.localDisabled && (config.arches.length === 0 || localArches(config, facts).length > 0),
    isRemote: (facts) => remoteArches(config, facts).length > 0,
    isGitClone: (facts) => isGitClone(config, facts),
    cloneDirectory: (facts) => cloneDirectory(config, facts),
    buildDirectory: (facts) => {
      if (!isGitClone(config, facts)) return ".";
      const { gitRoot, pwd } = facts;
      const relativePwd = pwd.startsWith(gitRoot) ? pwd.slice(gitRoot.length) : pwd;
      return fileJoin(cloneDirectory(config, facts), basename(gitRoot), relativePwd);
    },
    secrets: () => {
      const values: Record<string, string> = {};
      for (const name of config.secretNames) values[name] = root.secrets.get(name);
      return values;
    },
  };
  return config;
}

/**
 * Kamal's `Validator::Builder`: the docs/builder.yml example, a known cache type, an arch, one arch with
 * buildpacks, and a remote when local builds are disabled. `root` is the root scope.
 */
export function validateBuilder(root: Scope, raw: unknown): void {
  const scope = scopeAt(root, "builder", ["builder"]);
  validateSection(scope, raw ?? {}, "builder");
  const config = (raw ?? {}) as RubyHash;
  const cache = config.cache;
  if (isHash(cache) && isTruthy(cache.type)) {
    const type = cache.type;
    if (!(BUILDER_CACHE_TYPES as readonly unknown[]).includes(type)) {
      fail(scope, `Invalid cache type: ${rubyToS(type)}`, ["builder", "cache", "type"]);
    }
  }
  if (isBlank(config.arch)) fail(scope, "Builder arch not set");
  if (isTruthy(config.pack) && Array.isArray(config.arch) && config.arch.length > 1) {
    fail(scope, "buildpacks only support building for one arch", ["builder", "arch"]);
  }
  if (config.local === false && isBlank(config.remote)) {
    fail(scope, "Cannot disable local builds, no remote is set", ["builder", "local"]);
  }
}

function localArches(builder: BuilderConfig, facts: Pick<BuildFacts, "dockerArch">): readonly string[] {
  if (builder.localDisabled) return [];
  if (builder.remote) return builder.arches.filter((arch) => arch === facts.dockerArch);
  return builder.arches;
}

function remoteArches(builder: BuilderConfig, facts: Pick<BuildFacts, "dockerArch">): readonly string[] {
  if (!builder.remote) return [];
  const local = localArches(builder, facts);
  return builder.arches.filter((arch) => !local.includes(arch));
}

function isGitClone(builder: BuilderConfig, facts: Pick<BuildFacts, "gitUsed">): boolean {
  return facts.gitUsed && !builder.contextSet;
}

function cloneDirectory(builder: BuilderConfig, facts: Pick<BuildFacts, "tmpdir" | "pwd">): string {
  const pwdSha = createHash("sha256").update(facts.pwd).digest("hex").slice(0, 13);
  return fileJoin(facts.tmpdir, "kamal-clones", `${builder.service}-${pwdSha}`);
}

function cacheFrom(type: string | undefined, ref: string): string | undefined {
  if (type === "gha") return "type=gha";
  if (type === "registry") return `type=registry,ref=${ref}`;
  return undefined;
}

function cacheTo(type: string | undefined, options: string | undefined, ref: string): string | undefined {
  const extra = options === undefined || options === null ? [] : [String(options)];
  if (type === "gha") return ["type=gha", ...extra].join(",");
  if (type === "registry") return [`type=registry`, `ref=${ref}`, ...extra].join(",");
  return undefined;
}

function toArray(arch: string | readonly string[] | undefined): readonly string[] {
  if (arch === undefined || arch === null) return [];
  // Kamal's Array(arch): a scalar (YAML may give `arch: 64` as a number) is a one-element list.
  return Array.isArray(arch) ? arch.map(String) : [String(arch)];
}
