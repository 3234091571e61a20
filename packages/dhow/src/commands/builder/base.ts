/**
 * @module
 * What every build strategy shares (Kamal's `Commands::Builder::Base`): the buildx push, build options,
 * image tags, pull/clean/validate on the hosts. Each strategy file (local, remote, hybrid, cloud, pack)
 * builds a `BuilderStrategy` from these pieces, overriding what differs.
 */
import type { BuildFacts, BuilderConfig } from "../../config/sections/builder.js";
import { BuilderError } from "../../errors.js";
import { DEFAULT_PUSH_OUTPUT } from "./defaults.js";
import { any, argumentize, type Command, cmd, combine, docker, isPresent, pipe, rubyToS } from "../command.js";

/** Kamal's name for a strategy (`builder.name`). */
export type BuilderName = "local" | "remote" | "hybrid" | "pack" | "cloud";

/** The parts of the resolved config that builder commands read (the model's `Config` satisfies it). */
export interface BuilderCommandConfig {
  readonly service: string;
  readonly repository: string;
  /** `<repository>:<version>` */
  readonly absoluteImage: string;
  /** `<repository>:latest[-<destination>]` */
  readonly latestImage: string;
  readonly builder: BuilderConfig;
}

/** Options of `push` (Kamal: `push(export_action = "registry", tag_as_dirty:, no_cache:)`). */
export interface PushOptions {
  /** The `--output=type=` value: `registry` (default) pushes, `docker` loads into the local store. */
  readonly output?: string;
  /** Tag `<image>-dirty` (for `build dev`). */
  readonly tagAsDirty?: boolean;
  readonly noCache?: boolean;
}

/** One build strategy: the commands Kamal's builder target returns. Absent commands are `undefined`. */
export interface BuilderStrategy {
  readonly name: BuilderName;
  /** The buildx builder (the pack builder for pack) this strategy names; the docker driver never uses it. */
  readonly builderName: string | undefined;
  /** Creates the builder (`build create`); undefined when there is nothing to create. */
  create(): Command | undefined;
  /** Removes the builder (`build remove`); undefined when there is nothing to remove. */
  remove(): Command | undefined;
  /** Builds and exports the image (`build push`). Throws BuilderError when the Dockerfile is missing. */
  push(options?: PushOptions): Command;
  /** `docker image rm --force <image>` on a host before pulling. */
  clean(): Command;
  /** `docker pull <image>` on a host. */
  pull(): Command;
  /** `build details`: what builders and contexts exist. */
  info(): Command;
  /** Checks that a compatible builder exists (fails otherwise); undefined when there is none to check. */
  inspectBuilder(): Command | undefined;
  /** Cache, label, args, secrets, Dockerfile, target, ssh, provenance, sbom options of the build. */
  buildOptions(): Command;
  /** The context argument of the build. */
  readonly buildContext: string;
  /** On a host: fails unless the pulled image carries the `service` label. */
  validateImage(): Command;
  /** On a host: the first registry mirror docker is configured with. */
  firstMirror(): Command;
  /** Whether `build push` logs in to the registry (or starts the local one) on this machine first. */
  readonly loginToRegistryLocally: boolean;
  /** Extra environment for the push command. */
  readonly pushEnv: Readonly<Record<string, string>>;
}

/** The inputs every strategy is built from. */
export interface StrategyInput {
  readonly config: BuilderCommandConfig;
  readonly facts: BuildFacts;
}

/** What a strategy overrides of the shared behaviour. */
export interface StrategySpec {
  readonly name: BuilderName;
  readonly builderName: string | undefined;
  readonly create: () => Command | undefined;
  readonly remove: () => Command | undefined;
  readonly push?: (options: PushOptions) => Command;
  readonly info?: () => Command;
  readonly inspectBuilder?: () => Command | undefined;
  readonly loginToRegistryLocally?: boolean;
  readonly pushEnv?: Readonly<Record<string, string>>;
}

/** Assembles a strategy from the shared pieces and a strategy's overrides. */
export function makeStrategy(input: StrategyInput, spec: StrategySpec): BuilderStrategy {
  const { config } = input;
  const builderName = spec.builderName;
  return {
    name: spec.name,
    builderName,
    create: spec.create,
    remove: spec.remove,
    push: (options = {}) => (spec.push ? spec.push(options) : buildxPush(input, builderName, options)),
    clean: () => docker("image", "rm", "--force", config.absoluteImage),
    pull: () => docker("pull", config.absoluteImage),
    info: spec.info ?? (() => combine([docker("context", "ls"), docker("buildx", "ls")])),
    inspectBuilder:
      spec.inspectBuilder ??
      (() =>
        config.builder.dockerDriver || builderName === undefined
          ? undefined
          : docker("buildx", "inspect", builderName)),
    buildOptions: () => buildOptions(input),
    buildContext: config.builder.context,
    validateImage: () => validateImage(config),
    firstMirror: () => docker("info", "--format '{{index .RegistryConfig.Mirrors 0}}'"),
    loginToRegistryLocally: spec.loginToRegistryLocally ?? true,
    pushEnv: spec.pushEnv ?? {},
  };
}

/** `docker buildx build --output=type=… --platform … --builder … -t … <options> [--no-cache] <context> 2>&1` */
export function buildxPush(input: StrategyInput, builderName: string | undefined, options: PushOptions): Command {
  const { config } = input;
  const useBuilder = !config.builder.dockerDriver && builderName !== undefined;
  return docker(
    "buildx",
    "build",
    `--output=type=${options.output ?? DEFAULT_PUSH_OUTPUT}`,
    platformOptions(config.builder.arches),
    useBuilder ? ["--builder", builderName] : undefined,
    buildTagOptions(config, options.tagAsDirty ?? false),
    buildOptions(input),
    options.noCache ? "--no-cache" : undefined,
    config.builder.context,
    "2>&1",
  );
}

/** The build options, in Kamal's order. Throws BuilderError `Missing <dockerfile>` when it does not exist. */
export function buildOptions({ config, facts }: StrategyInput): Command {
  const builder = config.builder;
  return cmd(
    builder.cacheTo && builder.cacheFrom
      ? ["--cache-to", builder.cacheTo, "--cache-from", builder.cacheFrom]
      : undefined,
    buildLabels(config),
    argumentize("--build-arg", builder.args, { sensitive: true }),
    buildSecrets(builder),
    buildDockerfile(builder, facts),
    isPresent(builder.target) ? argumentize("--target", builder.target) : undefined,
    isPresent(builder.ssh) ? argumentize("--ssh", builder.ssh) : undefined,
    builder.provenance === undefined ? undefined : ["--provenance", rubyToS(builder.provenance)],
    builder.sbom === undefined ? undefined : ["--sbom", rubyToS(builder.sbom)],
  );
}

/** `--label service="<service>"` */
export function buildLabels(config: Pick<BuilderCommandConfig, "service">): Command {
  return argumentize("--label", { service: config.service });
}

/** `--secret id="<name>"` per builder secret (looking each up, so a missing secret fails as in Kamal). */
export function buildSecrets(builder: BuilderConfig): Command {
  return Object.keys(builder.secrets()).flatMap((name) => argumentize("--secret", { id: name }));
}

/** `--file <dockerfile>`, or BuilderError `Missing <dockerfile>`. */
export function buildDockerfile(builder: BuilderConfig, facts: Pick<BuildFacts, "dockerfileExists">): Command {
  if (!facts.dockerfileExists) throw new BuilderError(`Missing ${builder.dockerfile}`);
  return argumentize("--file", builder.dockerfile);
}

/** The image tags of a build: `<image>:<version>` and `<image>:latest`, with `-dirty` for dev builds. */
export function buildTagNames(config: BuilderCommandConfig, tagAsDirty: boolean): string[] {
  const names = [config.absoluteImage, config.latestImage];
  return tagAsDirty ? names.map((name) => `${name}-dirty`) : names;
}

/** `-t <tag>` per tag. */
export function buildTagOptions(config: BuilderCommandConfig, tagAsDirty: boolean): Command {
  return buildTagNames(config, tagAsDirty).flatMap((name) => ["-t", name]);
}

/** `--platform linux/a,linux/b`, or nothing without arches. */
export function platformOptions(arches: readonly string[]): Command | undefined {
  if (arches.length === 0) return undefined;
  return ["--platform", arches.map((arch) => `linux/${arch}`).join(",")];
}

/** `--driver-opt network=host` when the registry is local, so the builder can reach it. */
export function driverOptions(builder: BuilderConfig): Command | undefined {
  return builder.localRegistry ? ["--driver-opt", "network=host"] : undefined;
}

/** Fails on a host unless the image carries the `service` label of this app. */
export function validateImage(config: Pick<BuilderCommandConfig, "service" | "absoluteImage">): Command {
  return pipe(
    docker("inspect", "-f", "'{{ .Config.Labels.service }}'", config.absoluteImage),
    any(
      ["grep", "-x", config.service],
      `(echo "Image ${config.absoluteImage} is missing the 'service' label" && exit 1)`,
    ),
  );
}

/** The suffix that names a remote builder: the remote with `[^a-z0-9_-]` → `-`, `-local-registry` if local. */
export function remoteBuilderSuffix(builder: BuilderConfig): string {
  const sanitized = (builder.remote ?? "").replace(/[^a-z0-9_-]/g, "-");
  return builder.localRegistry ? `${sanitized}-local-registry` : sanitized;
}
