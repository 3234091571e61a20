/**
 * @module
 * `build pull`: pull the app image on every app host (Kamal's `Cli::Build#pull`): registry login (unless
 * the registry is local, whose port is forwarded instead), mirror seeding when several hosts share a
 * registry mirror, then per host one script: audit line, remove the old copy, pull, and check the image's
 * `service` label.
 */
import * as auditor from "../../commands/auditor.js";
import * as registry from "../../commands/registry.js";
import { CommandFailedError } from "../../remote/executor.js";
import { buildSetup } from "./facts.js";
import type { DeployContext } from "../runtime/context.js";
import { execute, executeScript, on } from "../runtime/execute.js";
import { withRegistryForwards } from "../registry/forward-port.js";
import { progressOf } from "../runtime/progress.js";
import { requireSecrets } from "../runtime/require-secrets.js";

/** docker's error when no registry mirror is configured (`index` of an empty list). */
const NO_MIRROR = /error calling index: reflect: slice index out of range/;

/** Pulls the image on the app hosts. */
export async function buildPull(ctx: DeployContext): Promise<void> {
  requireSecrets(ctx, { registry: true });
  const { config, selection } = ctx;
  if (!config.registry.local) {
    await on(ctx, selection.appHosts, (host) => execute(ctx, host, registry.login(config)));
  }
  await withRegistryForwards(ctx, selection.hosts, async () => {
    const firstHosts = await mirrorHosts(ctx);
    if (firstHosts.length > 0) {
      ctx.logger.say(
        `Pulling image on ${firstHosts.join(", ")} to seed the ${firstHosts.length === 1 ? "mirror" : "mirrors"}...`,
        "magenta",
      );
      await pullOnHosts(ctx, firstHosts);
      ctx.logger.say("Pulling image on remaining hosts...", "magenta");
      await pullOnHosts(
        ctx,
        selection.appHosts.filter((host) => !firstHosts.includes(host)),
      );
    } else {
      await pullOnHosts(ctx, selection.appHosts);
    }
  });
}

/** One host per distinct registry mirror (only when there are several app hosts). */
async function mirrorHosts(ctx: DeployContext): Promise<string[]> {
  const hosts = ctx.selection.appHosts;
  if (hosts.length < 2) return [];
  const { commands } = buildSetup(ctx, PULL_FACTS);
  const mirrors = await on(ctx, hosts, async (host) => {
    const result = await execute(ctx, host, commands.firstMirror(), { allowFailure: true });
    if (result.exitCode !== 0) {
      if (NO_MIRROR.test(`${result.stderr}${result.stdout}`)) return undefined;
      throw new CommandFailedError(result);
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

/** Audit, clean, pull and validate on each host, as one remote script per host. */
async function pullOnHosts(ctx: DeployContext, hosts: readonly string[]): Promise<void> {
  const { config } = ctx;
  const { commands } = buildSetup(ctx, PULL_FACTS);
  await on(ctx, hosts, (host) =>
    progressOf(ctx).track({ label: "pull", host }, () =>
      executeScript(ctx, host, [
        { command: auditor.record(config, `Pulled image with version ${config.version}`, { facts: ctx.facts }) },
        { command: commands.clean(), allowFailure: true },
        { command: commands.pull() },
        { command: commands.validateImage() },
      ]),
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
