/**
 * @module
 * Cloud Native Buildpacks (Kamal's `Commands::Builder::Pack`): `pack build` for the single local arch,
 * labelled through the image-labels buildpack, then `docker push` of both tags. Build args and secrets
 * become `--env` values.
 */
import { argumentize, type Command, cmd, combine, docker } from "../command.js";
import { type BuilderStrategy, buildTagOptions, makeStrategy, type PushOptions, type StrategyInput } from "./base.js";
import { DEFAULT_PUSH_OUTPUT } from "./defaults.js";

/** The buildpack that turns `BP_IMAGE_LABELS` into image labels (it gives the `service` label). */
export const IMAGE_LABELS_BUILDPACK = "paketo-buildpacks/image-labels";

/** The pack strategy. */
export function packBuilder(input: StrategyInput): BuilderStrategy {
  const { builder } = input.config;
  const inspect = (): Command => cmd("pack", "builder", "inspect", builder.pack?.builder);
  return makeStrategy(input, {
    name: "pack",
    builderName: builder.pack?.builder,
    // Kamal's pack target defines no `create` and an empty `remove`: there is no builder to manage.
    create: () => undefined,
    remove: () => undefined,
    push: (options) => packPush(input, options),
    info: inspect,
    inspectBuilder: inspect,
  });
}

/** `pack build … && docker push <image> && docker push <latest>` (no push unless the output is `registry`). */
export function packPush(input: StrategyInput, options: PushOptions): Command {
  const { config, facts } = input;
  const { builder } = config;
  const output = options.output ?? DEFAULT_PUSH_OUTPUT;
  const buildpacks = [...(builder.pack?.buildpacks ?? []), IMAGE_LABELS_BUILDPACK];
  const build = cmd(
    "pack",
    "build",
    config.repository,
    "--platform",
    `linux/${builder.localArches(facts)[0] ?? ""}`,
    "--creation-time",
    "now",
    "--builder",
    builder.pack?.builder,
    buildpacks.flatMap((buildpack) => ["--buildpack", buildpack]),
    buildTagOptions(config, options.tagAsDirty ?? false),
    options.noCache ? "--clear-cache" : undefined,
    "--env",
    `BP_IMAGE_LABELS=service=${config.service}`,
    argumentize("--env", builder.args),
    argumentize("--env", builder.secrets(), { sensitive: true }),
    "--path",
    builder.context,
  );
  const exported =
    output === "registry"
      ? combine([docker("push", config.absoluteImage), docker("push", config.latestImage)])
      : undefined;
  return combine([build, exported]);
}
