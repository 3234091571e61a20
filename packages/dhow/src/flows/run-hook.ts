/**
 * @module
 * Runs a local hook script (`.kamal/hooks/<name>`) with Kamal's KAMAL_* environment, when it exists and
 * hooks are not skipped. A failing hook aborts the command with HookError.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import * as hook from "../commands/hook.js";
import { HookError } from "../errors.js";
import type { DeployContext } from "./context.js";

/** Hooks whose environment includes the secrets (Kamal passes `secrets: true` for these). */
const HOOKS_WITH_SECRETS = new Set(["pre-connect", "pre-deploy", "post-deploy"]);

/** Runs `name` if present; `details` become extra KAMAL_* variables (e.g. `{ hosts, runtime }`). */
export async function runHook(
  ctx: DeployContext,
  name: string,
  details: Readonly<Record<string, unknown>> = {},
): Promise<void> {
  ctx.state.interruption.throwIfRequested();
  if (ctx.options.skipHooks) return;
  const file = resolve(ctx.cwd, hook.hookFile(ctx.config, name));
  if (!existsSync(file)) return;
  ctx.logger.say(`Running the ${name} hook...`, "magenta");
  const env = hook.env(ctx.config, {
    secrets: HOOKS_WITH_SECRETS.has(name),
    facts: ctx.facts,
    details: {
      hosts: ctx.selection.hosts.join(","),
      ...(ctx.selection.specificRoles ? { roles: ctx.selection.specificRoles.map((role) => role.name).join(",") } : {}),
      lock: String(ctx.state.holdingLock),
      command: ctx.options.command,
      subcommand: ctx.options.subcommand,
      ...details,
    },
  });
  const result = await ctx.local.run(file, [], { cwd: ctx.cwd, env: { ...ctx.env, ...env } });
  const output = `${result.stdout}${result.stderr}`.trim();
  const level = ctx.config.hooksOutputFor(name);
  if (output && (level === "verbose" || (level !== "quiet" && ctx.logger.verbosity === "verbose"))) {
    ctx.logger.output(`${output}\n`);
  }
  if (result.notFound || result.exitCode !== 0) {
    const reason = result.notFound ? "could not be started (is it executable?)" : `exit ${result.exitCode}`;
    throw new HookError(`Hook \`${name}\` failed:\n${output || reason}`);
  }
}
