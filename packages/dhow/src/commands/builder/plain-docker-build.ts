/**
 * @module
 * dhow's fallback for machines without `docker buildx`: a plain `docker build` of the single configured
 * arch, then `docker push` of both tags. It is a separate command, chosen by the deploy flow when buildx is
 * absent; Kamal's own strings (the strategies) are untouched. Settings that only buildx can honour fail
 * with a BuilderError that says so.
 */
import type { BuildFacts } from "../../config/sections/builder.js";
import { BuilderError } from "../../errors.js";
import { argumentize, type Command, cmd, combine, docker, isPresent } from "../command.js";
import { DEFAULT_PUSH_OUTPUT } from "./defaults.js";
import { type BuilderCommandConfig, buildDockerfile, buildLabels, buildTagNames, type PushOptions } from "./base.js";

/** Outputs a plain build can produce: pushed to the registry, or left in the local image store. */
export const PLAIN_BUILD_OUTPUTS = ["registry", "docker"] as const;

/**
 * `docker build --platform linux/<arch> -t <image> -t <latest> --label service="<service>" [--build-arg …]
 * [--target …] --file <dockerfile> <context>`, then `&& docker push <image> && docker push <latest>`
 * (no push for output `docker`). Throws BuilderError for settings that need buildx.
 */
export function plainDockerBuild(config: BuilderCommandConfig, facts: BuildFacts, options: PushOptions = {}): Command {
  const { builder } = config;
  const output = options.output ?? DEFAULT_PUSH_OUTPUT;
  const problem = plainBuildProblem(config, facts, output);
  if (problem) throw new BuilderError(`${problem}; install the docker buildx plugin or change the builder settings`);

  const tags = buildTagNames(config, options.tagAsDirty ?? false);
  const build = docker(
    "build",
    builder.arches.length > 0 ? ["--platform", `linux/${builder.arches[0]}`] : undefined,
    tags.flatMap((tag) => ["-t", tag]),
    buildLabels(config),
    argumentize("--build-arg", builder.args, { sensitive: true }),
    isPresent(builder.target) ? argumentize("--target", builder.target) : undefined,
    buildDockerfile(builder, facts),
    options.noCache ? "--no-cache" : undefined,
    builder.context,
  );
  return output === "registry" ? combine([build, ...tags.map((tag) => docker("push", tag))]) : cmd(build);
}

/** Why this config cannot be built without buildx (undefined when it can). */
export function plainBuildProblem(config: BuilderCommandConfig, facts: BuildFacts, output: string): string | undefined {
  const { builder } = config;
  const needs = (what: string) => `Building without docker buildx: ${what} needs buildx`;
  if (builder.pack) return needs("builder.pack") + " (or the pack CLI)";
  if (builder.arches.length > 1) return needs(`building for several arches (${builder.arches.join(", ")})`);
  if (builder.remote && (builder.localDisabled || builder.isRemote(facts))) return needs("a remote builder");
  if (builder.cloud) return needs(`the ${builder.driver} driver`);
  if (builder.cached) return needs("builder.cache");
  if (builder.secretNames.length > 0) return needs("builder.secrets");
  if (isPresent(builder.ssh)) return needs("builder.ssh");
  if (builder.provenance !== undefined) return needs("builder.provenance");
  if (builder.sbom !== undefined) return needs("builder.sbom");
  if (!(PLAIN_BUILD_OUTPUTS as readonly string[]).includes(output)) return needs(`--output ${output}`);
  return undefined;
}
