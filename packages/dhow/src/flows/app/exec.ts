/**
 * @module
 * `dhow app exec CMD…` in Kamal's four modes: a new container on every app host and role (default), the
 * running container (`--reuse`), or either of them over `ssh -t` on the primary host (`-i`). `-e K:V` adds
 * env, `--detach` runs the new container detached, `--raw` prints stdout exactly as received.
 */
import * as app from "../../commands/app.js";
import * as auditor from "../../commands/auditor.js";
import type { Role } from "../../config/config.js";
import { UsageError } from "../../errors.js";
import { extraHostsFor } from "./cross-host.js";
import type { DeployContext } from "../runtime/context.js";
import { capture, execute, on } from "../runtime/execute.js";
import { captureOutput, printByHost, rawOutputContext } from "../runtime/print-by-host.js";
import { type HandOverOptions, handOverRunner } from "../runtime/hand-over.js";
import { joinCommandWords } from "../runtime/words.js";
import { loginToRegistry } from "../registry/login-to-registry.js";
import { onRoles } from "../runtime/on-roles.js";
import { preConnect } from "../runtime/pre-connect.js";

/** Options of `appExec` (the CLI's `app exec` options). */
export interface AppExecOptions extends HandOverOptions {
  readonly interactive?: boolean | undefined;
  readonly reuse?: boolean | undefined;
  /** `-e K:V` pairs, added as `--env K="V"`. */
  readonly env?: Readonly<Record<string, string>> | undefined;
  readonly detach?: boolean | undefined;
  readonly raw?: boolean | undefined;
}

/** Runs `words` in the app's containers; resolves with the exit code (ssh's in interactive mode). */
export async function appExec(
  outer: DeployContext,
  words: readonly string[],
  options: AppExecOptions = {},
): Promise<number> {
  checkOptions(words, options);
  const raw = Boolean(options.raw);
  const base = rawOutputContext(outer, raw);
  await preConnect(base);
  const cmd = joinCommandWords(words);
  const env = options.env ?? {};
  const given = base.options.version;

  if (options.interactive) {
    const host = base.selection.primaryHost;
    if (host === undefined) return 0;
    let ctx: DeployContext;
    if (options.reuse) {
      if (!given) base.logger.say("Get current version of running container...", "magenta");
      ctx = await withVersion(base, given ?? (await currentRunningVersion(base)));
      ctx.logger.say(
        `Launching interactive command with version ${ctx.config.version} via SSH from existing container on ${host}...`,
        "magenta",
      );
      const line = app.executeInExistingContainerOverSsh({ config: ctx.config, role: primaryRole(ctx), host }, [cmd], {
        env,
        facts: ctx.facts,
      });
      return handOverRunner(ctx, options)(line);
    }
    if (!given) base.logger.say("Get most recent version available as an image...", "magenta");
    ctx = await withVersion(base, given ?? base.config.latestTag);
    ctx.logger.say(
      `Launching interactive command with version ${ctx.config.version} via SSH from new container on ${host}...`,
      "magenta",
    );
    await on(ctx, [host], (target) => loginToRegistry(ctx, target));
    const line = app.executeInNewContainerOverSsh({ config: ctx.config, role: primaryRole(ctx), host }, [cmd], {
      env,
      facts: ctx.facts,
      extraHosts: await extraHostsFor(ctx, host, primaryRole(ctx)),
    });
    return handOverRunner(ctx, options)(line);
  }

  if (options.reuse) {
    if (!given) base.logger.say("Get current version of running container...", "magenta");
    const ctx = await withVersion(base, given ?? (await currentRunningVersion(base)));
    const version = ctx.config.version;
    ctx.logger.say(`Launching command with version ${version} from existing container...`, "magenta");
    await onRoles(ctx, ctx.selection.appHosts, async (host, role) => {
      await execute(
        ctx,
        host,
        auditor.record(ctx.config, `Executed cmd '${cmd}' on app version ${version}`, {
          facts: ctx.facts,
          lineDetails: { role: role.name },
        }),
      );
      const command = app.executeInExistingContainer({ config: ctx.config, role, host }, [cmd], {
        env,
        facts: ctx.facts,
      });
      printByHost(ctx, host, await captureOutput(ctx, host, command, { raw }), { raw });
    });
    return 0;
  }

  if (!given) base.logger.say("Get most recent version available as an image...", "magenta");
  const ctx = await withVersion(base, given ?? base.config.latestTag);
  const version = ctx.config.version;
  ctx.logger.say(`Launching command with version ${version} from new container...`, "magenta");
  await on(ctx, ctx.selection.appHosts, (host) => loginToRegistry(ctx, host));
  await onRoles(ctx, ctx.selection.appHosts, async (host, role) => {
    await execute(
      ctx,
      host,
      auditor.record(ctx.config, `Executed cmd '${cmd}' on app version ${version}`, { facts: ctx.facts }),
    );
    const command = app.executeInNewContainer({ config: ctx.config, role, host }, [cmd], {
      env,
      detach: Boolean(options.detach),
      facts: ctx.facts,
      extraHosts: await extraHostsFor(ctx, host, role),
    });
    printByHost(ctx, host, await captureOutput(ctx, host, command, { raw }), { raw });
  });
  return 0;
}

/** The primary role of a (versioned) context: roles carry their config's version. */
function primaryRole(ctx: DeployContext): Role {
  const role = ctx.selection.primaryRole;
  if (!role) throw new UsageError(`No role runs on ${ctx.selection.primaryHost}`);
  return role;
}

/** Kamal's option checks, in its order. */
function checkOptions(words: readonly string[], options: AppExecOptions): void {
  const detachConflicts = (["interactive", "reuse"] as const).filter((key) => options.detach && options[key]);
  if (detachConflicts.length > 0) {
    throw new UsageError(`Detach is not compatible with ${detachConflicts.join(" or ")}`);
  }
  const rawConflicts = (["interactive", "detach"] as const).filter((key) => options.raw && options[key]);
  if (rawConflicts.length > 0) throw new UsageError(`Raw is not compatible with ${rawConflicts.join(" or ")}`);
  if (words.length === 0) throw new UsageError("No command provided. You must specify a command to execute.");
}

/** The running version on the primary host (first role there); undefined when nothing runs. */
async function currentRunningVersion(ctx: DeployContext): Promise<string | undefined> {
  const host = ctx.selection.primaryHost;
  const role = host === undefined ? undefined : ctx.selection.rolesOn(host)[0];
  if (host === undefined || role === undefined) return undefined;
  const [version] = await on(ctx, [host], (target) =>
    capture(ctx, target, app.currentRunningVersion({ config: ctx.config, role, host: target })),
  );
  return version === "" ? undefined : version;
}

/** The context at `version` (the config's own version when undefined), keeping this context's logger. */
async function withVersion(ctx: DeployContext, version: string | undefined): Promise<DeployContext> {
  if (version === undefined) return ctx;
  return { ...ctx.withVersion(version), logger: ctx.logger };
}
