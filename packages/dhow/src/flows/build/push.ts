/**
 * @module
 * `build push`: build the app image on this machine and push it to the registry (Kamal's `Cli::Build#push`):
 * pre-connect hook, docker check, local registry or local login, pre-build hook, git clone of HEAD (unless
 * `builder.context` is set), buildx builder check (created when missing), then `docker buildx build`. Where
 * buildx is not installed, dhow builds with plain `docker build` and pushes with `docker push` instead.
 */
import { resolve } from "node:path";
import { plainDockerBuild } from "../../commands/builder/plain-docker-build.js";
import * as registry from "../../commands/registry.js";
import type { GatheredBuildFacts } from "../../remote/build-facts.js";
import { CommandFailedError } from "../../remote/executor.js";
import type { LocalResult } from "../../remote/local.js";
import { prepareClone } from "./clone.js";
import { type BuildSetup, buildSetup, uncommittedChanges } from "./facts.js";
import type { DeployContext } from "../runtime/context.js";
import { ensureLocalDocker } from "./ensure-local-docker.js";
import { executeLocal } from "../runtime/execute-local.js";
import { preConnect } from "../runtime/pre-connect.js";
import { progressOf } from "../runtime/progress.js";
import { runHook } from "../runtime/run-hook.js";
import { requireSecrets } from "../runtime/require-secrets.js";

/** Options of `build push`. */
export interface BuildPushOptions {
  /** The buildx `--output` type (default `registry`). */
  readonly output?: string | undefined;
  readonly noCache?: boolean | undefined;
  /** Machine facts to use instead of gathering them (tests). */
  readonly facts?: GatheredBuildFacts;
}

/** The environment that makes plain `docker build` use the classic builder (BuildKit needs buildx). */
export const PLAIN_BUILD_ENV: Readonly<Record<string, string>> = Object.freeze({ DOCKER_BUILDKIT: "0" });

/** Errors of `docker buildx inspect` that mean the builder must be (re)created. */
const MISSING_BUILDER = /(context not found|no builder|no compatible builder|does not exist)/;

/** Builds and pushes the app image. */
export async function buildPush(ctx: DeployContext, options: BuildPushOptions = {}): Promise<void> {
  requireSecrets(ctx, { registry: true, builder: true });
  const { config } = ctx;
  if (ctx.state.plan) {
    ctx.state.plan.local(
      `build and push ${config.absoluteImage} (and ${config.latestImage}) from ${config.builder.context}`,
    );
    return;
  }
  await preConnect(ctx);
  const { buildx } = await ensureLocalDocker(ctx);
  const setup = buildSetup(ctx, options.facts);

  if (config.registry.local) await executeLocal(ctx, registry.setup(config));
  else if (!buildx || setup.commands.loginToRegistryLocally) await executeLocal(ctx, registry.login(config));

  await runHook(ctx, "pre-build");

  const uncommitted = uncommittedChanges(ctx);
  if (config.builder.isGitClone(setup.facts)) {
    if (uncommitted)
      ctx.logger.warn(`Building from a local git clone, so ignoring these uncommitted changes:\n ${uncommitted}`);
    await prepareClone(ctx, setup);
  } else if (uncommitted) {
    ctx.logger.warn(`Building with uncommitted changes:\n ${uncommitted}`);
  }

  const cwd = resolve(ctx.cwd, config.builder.buildDirectory(setup.facts));
  if (!buildx) ctx.logger.say("  docker buildx is not installed here: building with `docker build` and `docker push`");
  const result = await progressOf(ctx).track({ label: `build ${config.absoluteImage}` }, () =>
    buildx ? buildxBuild(ctx, setup, options, cwd) : plainBuild(ctx, setup, options, cwd),
  );
  showBuildOutput(ctx, result);
}

/** Ensures the buildx builder exists, then runs `docker buildx build` with the builder secrets in its env. */
async function buildxBuild(
  ctx: DeployContext,
  setup: BuildSetup,
  options: BuildPushOptions,
  cwd: string,
): Promise<LocalResult> {
  const { commands } = setup;
  const inspect = commands.inspectBuilder();
  if (inspect) {
    try {
      await executeLocal(ctx, inspect, { readOnly: true });
    } catch (error) {
      if (!(error instanceof CommandFailedError) || !MISSING_BUILDER.test(error.stderr)) throw error;
      ctx.logger.warn("Missing compatible builder, so creating a new one first");
      const remove = commands.remove();
      if (remove) {
        const removed = await executeLocal(ctx, remove, { allowFailure: true });
        if (removed.exitCode !== 0 && !MISSING_BUILDER.test(`${removed.stderr}${removed.stdout}`)) {
          await executeLocal(ctx, remove);
        }
      }
      const create = commands.create();
      if (create) await executeLocal(ctx, create);
    }
  }
  const push = commands.push({
    ...(options.output ? { output: options.output } : {}),
    noCache: Boolean(options.noCache),
  });
  return executeLocal(ctx, push, {
    cwd,
    env: { ...ctx.config.builder.secrets(), ...commands.pushEnv },
  });
}

/** Without buildx: `docker build` of the single arch, then `docker push` of both tags. */
async function plainBuild(
  ctx: DeployContext,
  setup: BuildSetup,
  options: BuildPushOptions,
  cwd: string,
): Promise<LocalResult> {
  const build = plainDockerBuild(ctx.config, setup.facts, {
    ...(options.output ? { output: options.output } : {}),
    noCache: Boolean(options.noCache),
  });
  return executeLocal(ctx, build, { cwd, env: PLAIN_BUILD_ENV });
}

/** The build's output, shown at -v (Kamal logs it at debug level). */
export function showBuildOutput(ctx: DeployContext, result: LocalResult): void {
  const text = `${result.stdout}${result.stderr}`.trimEnd();
  if (text) ctx.logger.debug(text);
}
