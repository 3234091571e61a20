/**
 * @module
 * Runs a local hook script (`.kamal/hooks/<name>`) with Kamal's KAMAL_* environment, when it exists and
 * hooks are not skipped. A failing hook aborts the command with HookError.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { resolve } from "node:path";
import * as hook from "../../commands/hook.js";
import { HookError } from "../../errors.js";
import type { DeployContext } from "./context.js";
import { flushPending } from "./execute.js";

/** Hooks whose environment includes the secrets (Kamal passes `secrets: true` for these). */
const HOOKS_WITH_SECRETS = new Set(["pre-connect", "pre-deploy", "post-deploy"]);

/** Whether hook `name` exists and hooks are not skipped. */
export function hookWillRun(ctx: Pick<DeployContext, "options" | "cwd" | "config">, name: string): boolean {
  return !ctx.options.skipHooks && existsSync(resolve(ctx.cwd, hook.hookFile(ctx.config, name)));
}

/** Runs `name` if present; `details` become extra KAMAL_* variables (e.g. `{ hosts, runtime }`). */
export async function runHook(
  ctx: DeployContext,
  name: string,
  details: Readonly<Record<string, unknown>> = {},
): Promise<void> {
  ctx.state.interruption.throwIfRequested();
  if (!hookWillRun(ctx, name)) return;
  const file = resolve(ctx.cwd, hook.hookFile(ctx.config, name));
  if (ctx.state.plan) {
    ctx.state.plan.local(`hook ${hook.hookFile(ctx.config, name)}`);
    return;
  }
  // The hook sees the hosts as the flow left them: steps still pending (pending.ts) go out first.
  await flushPending(ctx);
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
  if (result.startError === "EACCES") throw notRunnable(name, file, hook.hookFile(ctx.config, name));
  if (result.notFound) {
    // The file exists (checked above), so what spawn did not find is the interpreter on its #! line.
    const interpreter = /^#!\s*(\S+)/.exec(readFileSync(file, "utf8"))?.[1];
    throw new HookError(
      interpreter
        ? `Hook \`${name}\` could not be started: its interpreter ${interpreter} (#! line) was not found`
        : `Hook \`${name}\` could not be started (${hook.hookFile(ctx.config, name)})`,
    );
  }
  if (result.exitCode !== 0) throw new HookError(`Hook \`${name}\` failed:\n${output || `exit ${result.exitCode}`}`);
}

/** Why spawning the hook gave EACCES: it is a directory, or lacks its run bit (then: the fix). */
function notRunnable(name: string, file: string, shown: string): HookError {
  if (statSync(file).isDirectory()) return new HookError(`Hook \`${name}\` is a directory, not a script (${shown})`);
  return new HookError(`Hook \`${name}\` is not executable (${shown}): run \`chmod +x ${shellWord(shown)}\``);
}

/** `path` as one word to paste into a shell: as it is when plain, else single-quoted. */
function shellWord(path: string): string {
  return /^[\w./@%+:,=-]+$/.test(path) ? path : `'${path.replaceAll("'", "'\\''")}'`;
}
