/**
 * @module
 * `build pull`: pull the app image on every app host (Kamal's `Cli::Build#pull`): mirror seeding when
 * several hosts share a registry mirror, then per host one script: audit line, remove the old copy, pull
 * (beside the registry login, unless the registry is local, whose port is forwarded instead), and check
 * the image's `service` label.
 */
import * as auditor from "../../commands/auditor.js";
import * as registry from "../../commands/registry.js";
import { CommandFailedError, type CommandResult } from "../../remote/executor.js";
import { buildSetup } from "./facts.js";
import type { DeployContext } from "../runtime/context.js";
import { execute, executeScript, type FlowStep, on } from "../runtime/execute.js";
import { gatheredAnswer } from "../runtime/gather.js";
import { type Command, render, shell } from "../../commands/command.js";
import type { Config } from "../../config/config.js";
import { builderCommands } from "../../commands/builder/builder-commands.js";
import { withRegistryForwards } from "../registry/forward-port.js";
import { progressOf } from "../runtime/progress.js";
import { requireSecrets } from "../runtime/require-secrets.js";

/** docker's error when no registry mirror is configured (`index` of an empty list). */
const NO_MIRROR = /error calling index: reflect: slice index out of range/;

/** Pulls the image on the app hosts (or on `options.hosts` of them: the deploy's hosts behind a mirror). */
export async function buildPull(
  ctx: DeployContext,
  options: { readonly hosts?: readonly string[] } = {},
): Promise<void> {
  requireSecrets(ctx, { registry: true });
  const { selection } = ctx;
  const hosts = options.hosts ?? selection.appHosts;
  await withRegistryForwards(ctx, selection.hosts, async () => {
    const firstHosts = await mirrorHosts(ctx, hosts);
    if (firstHosts.length > 0) {
      ctx.logger.say(
        `Pulling image on ${firstHosts.join(", ")} to seed the ${firstHosts.length === 1 ? "mirror" : "mirrors"}...`,
        "magenta",
      );
      await pullOnHosts(ctx, firstHosts);
      ctx.logger.say("Pulling image on remaining hosts...", "magenta");
      await pullOnHosts(
        ctx,
        hosts.filter((host) => !firstHosts.includes(host)),
      );
    } else {
      await pullOnHosts(ctx, hosts);
    }
  });
}

/** On a host: the first registry mirror docker is configured with. */
export function mirrorQuery(config: Config): Command {
  return builderCommands({ config, facts: PULL_FACTS }).firstMirror();
}

/**
 * A guard step (see FlowStep): true when docker on the host has no registry mirror, so the pull needs no
 * seeding and can go in the deploy's first script; with a mirror the rest of that script is skipped and the
 * guard prints the mirror (`guardedMirror`), so the seeding that follows need not ask again.
 */
export function noMirrorGuard(config: Config): Command {
  return shell([`m=$(${render(mirrorQuery(config))} 2>/dev/null); [ -z "$m" ] || { echo "$m"; exit 1; }`]);
}

/** The answer to `mirrorQuery` that a guard which stopped its script gave (it printed the mirror). */
export function guardedMirror(guard: CommandResult): CommandResult {
  return { ...guard, stderr: "", exitCode: 0 };
}

/**
 * `docker login` on `host` unless the registry is local (its port is forwarded instead) or this command
 * already logged in there: the login lasts in the host's docker config for the whole command.
 */
export function registryLoginSteps(ctx: DeployContext, host: string): FlowStep[] {
  return takeLogin(ctx, host) ? [{ command: registry.login(ctx.config) }] : [];
}

/** Whether `host` needs a `docker login` in this command (then it counts as done). */
function takeLogin(ctx: DeployContext, host: string): boolean {
  if (ctx.config.registry.local || ctx.state.loggedIn.has(host)) return false;
  ctx.state.loggedIn.add(host);
  return true;
}

/**
 * The pull on one host: audit line, remove the old copy, pull (with the login beside it, dhow only; Kamal
 * logs in first), check the `service` label.
 */
export function pullSteps(ctx: DeployContext, host: string): FlowStep[] {
  const { prepare, pull } = pullStepsInTwo(ctx, host);
  return [...prepare, ...pull];
}

/**
 * `pullSteps` in two parts, so the deploy's first script can start its reads between them: `prepare` (the audit
 * line, removing the old copy) and `pull` (the pull and the label check).
 */
export function pullStepsInTwo(ctx: DeployContext, host: string): { prepare: FlowStep[]; pull: FlowStep[] } {
  const { config } = ctx;
  const { commands } = buildSetup(ctx, PULL_FACTS);
  const pull = commands.pull();
  return {
    prepare: [
      { command: auditor.record(config, `Pulled image with version ${config.version}`, { facts: ctx.facts }) },
      { command: commands.clean(), allowFailure: true },
    ],
    pull: [
      { command: takeLogin(ctx, host) ? registry.loginWhilePulling(registry.login(config), pull) : pull },
      { command: commands.validateImage() },
    ],
  };
}

/** One host per distinct registry mirror (only when there are several hosts); gathered if it was. */
async function mirrorHosts(ctx: DeployContext, hosts: readonly string[]): Promise<string[]> {
  if (hosts.length < 2) return [];
  const query = mirrorQuery(ctx.config);
  const mirrors = await on(ctx, hosts, async (host) => {
    const result =
      gatheredAnswer(ctx, host, query) ?? (await execute(ctx, host, query, { allowFailure: true, readOnly: true }));
    if (result.exitCode !== 0) {
      if (NO_MIRROR.test(`${result.stderr}${result.stdout}`)) return undefined;
      throw new CommandFailedError({ host, command: render(query), redacted: render(query), durationMs: 0, ...result });
    }
    const mirror = result.stdout.trim();
    return mirror === "" ? undefined : mirror;
  });
  const firstHostByMirror = new Map<string, string>();
  mirrors.forEach((mirror, index) => {
    if (mirror !== undefined && !firstHostByMirror.has(mirror)) firstHostByMirror.set(mirror, hosts[index]!);
  });
  return [...firstHostByMirror.values()];
}

/** Login, audit, clean, pull and validate on each host, as one remote script per host. */
async function pullOnHosts(ctx: DeployContext, hosts: readonly string[]): Promise<void> {
  await on(ctx, hosts, (host) =>
    progressOf(ctx).track({ label: "pull", host }, () =>
      executeScript(ctx, host, pullSteps(ctx, host), { purpose: "pull the new image" }),
    ),
  );
}

/**
 * The host-side builder commands (clean, pull, validate, first mirror) do not depend on this machine, so
 * pulling needs no local git or docker: these neutral facts stand in.
 */
const PULL_FACTS = {
  dockerArch: "",
  gitUsed: false,
  gitRoot: "",
  gitRevision: "",
  pwd: "",
  tmpdir: "",
  dockerfileExists: true,
} as const;
