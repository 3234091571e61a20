/**
 * @module
 * `build dev`: build the working directory as it is (no git clone), tagged `<image>-dirty` and
 * `<latest>-dirty`, into the local image store by default (Kamal's `Cli::Build#dev`). Uncommitted and
 * untracked files end up in the image, so they are listed first.
 */
import { plainDockerBuild } from "../../commands/builder/plain-docker-build.js";
import type { GatheredBuildFacts } from "../../remote/build-facts.js";
import { buildSetup, uncommittedChanges, untrackedFiles } from "./facts.js";
import { PLAIN_BUILD_ENV, showBuildOutput } from "./push.js";
import type { DeployContext } from "../runtime/context.js";
import { ensureLocalDocker } from "./ensure-local-docker.js";
import { executeLocal } from "../runtime/execute-local.js";
import { progressOf } from "../runtime/progress.js";

/** Options of `build dev`. */
export interface BuildDevOptions {
  /** The buildx `--output` type (default `docker`: the local image store). */
  readonly output?: string | undefined;
  readonly noCache?: boolean | undefined;
  readonly facts?: GatheredBuildFacts;
}

/** The default output of `build dev`. */
export const DEFAULT_DEV_OUTPUT = "docker";

/** Builds the working directory into a `-dirty` tagged image. */
export async function buildDev(ctx: DeployContext, options: BuildDevOptions = {}): Promise<void> {
  const { buildx } = await ensureLocalDocker(ctx);
  const setup = buildSetup(ctx, options.facts);
  const changed = uncommittedChanges(ctx);
  if (changed) warnFiles(ctx, "Files with uncommitted changes will be present in the dev container:", changed);
  const untracked = untrackedFiles(ctx);
  if (untracked) warnFiles(ctx, "Untracked files will be present in the dev container:", untracked);

  const output = options.output ?? DEFAULT_DEV_OUTPUT;
  const noCache = Boolean(options.noCache);
  const result = await progressOf(ctx).track({ label: "build (dev)" }, () =>
    buildx
      ? executeLocal(ctx, setup.commands.dev({ output, noCache }), { env: ctx.config.builder.secrets() })
      : executeLocal(ctx, plainDockerBuild(ctx.config, setup.facts, { output, noCache, tagAsDirty: true }), {
          env: PLAIN_BUILD_ENV,
        }),
  );
  showBuildOutput(ctx, result);
}

function warnFiles(ctx: DeployContext, headline: string, porcelain: string): void {
  ctx.logger.warn(`WARNING: ${headline}`);
  for (const line of porcelain.split("\n").sort()) ctx.logger.warn(`  ${line.trim()}`);
}
