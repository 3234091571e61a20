/**
 * @module
 * Booting one role on one host (Kamal's `Cli::App::Boot`): rename a clashing container of the same version,
 * find the running version, wait at the primary-role barrier (other roles), upload the env file, `docker
 * run` the new version, then either register it with kamal-proxy (which health-checks it and switches
 * traffic) or poll it until healthy, and stop the old version. A new container that fails is stopped, so
 * the old one keeps serving. Written as a function of (host, role) so a dependency graph can call it.
 * Ctrl-C: no new step starts, but once traffic switched the old container is still stopped (the switch is
 * finished), and a started container that did not switch is stopped; the outcome says which happened.
 */
import * as app from "../../commands/app.js";
import * as auditor from "../../commands/auditor.js";
import * as names from "../../commands/app/names.js";
import type { Role } from "../../config/config.js";
import { renderEnvFile } from "../../config/env-file.js";
import { BootError, InterruptedError } from "../../errors.js";
import { CommandFailedError } from "../../remote/executor.js";
import { KAMAL_NETWORK } from "../../constants.js";
import { extraHostsFor } from "./cross-host.js";
import { Sensitive } from "../../sensitive.js";
import { BarrierClosedError, type Barrier } from "./barrier.js";
import type { DeployContext } from "../runtime/context.js";
import { capture, execute, executeScript } from "../runtime/execute.js";
import { REAL_TIMING, type Timing, waitForHealthy } from "./poll-healthy.js";
import { progressOf } from "../runtime/progress.js";

/** Mode of the uploaded secrets env file. */
export const ENV_FILE_MODE = 0o600;
/** Characters of the host name kept in the container's `--hostname` (Kamal keeps 51). */
const HOSTNAME_PREFIX_LENGTH = 51;

/** What to boot: `ctx.config.version` of `role` on `host`. */
export interface BootRoleOptions {
  readonly host: string;
  readonly role: Role;
  /** The primary-role gate (absent: boot without waiting). */
  readonly barrier?: Barrier | undefined;
  /** The role whose first healthy container opens the barrier (default: the selection's primary role). */
  readonly barrierRole?: string | undefined;
  readonly timing?: Timing;
  /** Where the outcome is recorded, also when the boot fails. */
  readonly ledger?: BootOutcome[] | undefined;
}

/** What one boot did: `switched` (the new version serves), `failed` (it was started and stopped again), or
 * `not-started` (nothing new ran; the previous version, if any, still serves). */
export interface BootOutcome {
  readonly host: string;
  readonly role: string;
  readonly state: "switched" | "failed" | "not-started";
  readonly version: string;
  /** The version that ran before, if the boot got as far as finding it. */
  readonly previousVersion?: string | undefined;
}

/** Boots the config's version of `role` on `host`. */
export async function bootRole(ctx: DeployContext, options: BootRoleOptions): Promise<BootOutcome> {
  const { host, role, barrier } = options;
  const barrierRole = options.barrierRole ?? ctx.selection.primaryRole?.name ?? ctx.config.primaryRoleName;
  const gatekeeper = barrier !== undefined && role.name === barrierRole;
  const queuer = barrier !== undefined && !gatekeeper;
  const target = { config: ctx.config, role, host };
  const version = ctx.config.version;
  const log = ctx.logger.forHost(host);
  const interrupted = () => ctx.state.interruption.requested;
  let oldVersion: string | undefined;
  const record = (state: BootOutcome["state"]): BootOutcome => {
    const outcome = { host, role: role.name, state, version, previousVersion: oldVersion };
    options.ledger?.push(outcome);
    return outcome;
  };

  try {
    oldVersion = await renameClashingAndFindRunning(ctx, options);
  } catch (error) {
    // A gatekeeper that fails before booting must still decide the barrier, or other roles wait forever.
    if (gatekeeper) barrier.close();
    record("not-started");
    throw error;
  }

  if (queuer) {
    log.info(`Waiting for the first healthy ${barrierRole} container before booting ${role.name} on ${host}...`);
    try {
      await barrier.wait();
      ctx.state.interruption.throwIfRequested();
    } catch (error) {
      record("not-started");
      if (interrupted()) log.info(`Interrupted, not booting ${role.name} on ${host}`);
      else if (error instanceof BarrierClosedError) {
        log.info(`First ${barrierRole} container is unhealthy, not booting ${role.name} on ${host}`);
      }
      throw error;
    }
    log.info(`First ${barrierRole} container is healthy, booting ${role.name} on ${host}...`);
  }

  const started = { container: false };
  try {
    await startNewVersion(ctx, options, started);
  } catch (error) {
    if (gatekeeper && barrier.close()) {
      if (error instanceof InterruptedError) {
        log.info(`Interrupted before the first ${barrierRole} container was healthy, not booting any other roles`);
      } else {
        log.info(`First ${barrierRole} container is unhealthy on ${host}, not booting any other roles`);
        await showFailedContainer(ctx, options);
      }
    }
    // Kamal stops the new version's container whatever happened; after Ctrl-C only one that was started.
    if (started.container || !interrupted()) {
      await execute(ctx, host, app.stop(target, { version }), { allowFailure: true, evenIfInterrupted: true });
    }
    record(started.container ? "failed" : "not-started");
    throw error;
  }

  // Healthy and switched: the stable name reaches the new container too (even after Ctrl-C, like the rest of
  // the switch). Should that fail, the old container keeps the name and keeps running, and the deploy fails.
  const cleanup = { evenIfInterrupted: true };
  try {
    await execute(ctx, host, names.joinNames(target), cleanup);
  } catch (error) {
    if (gatekeeper) barrier.close();
    record("switched");
    ctx.logger.error(
      `${role.name} ${version} serves on ${host} but could not join the ${KAMAL_NETWORK} network as ${role.containerPrefix}; the previous container keeps the name`,
    );
    throw error;
  }

  if (gatekeeper && barrier.open()) {
    log.info(`First ${barrierRole} container is healthy on ${host}, booting any other roles`);
  }

  // Traffic switched: finish the switch even after Ctrl-C, so no old container keeps running beside it. The
  // old container leaves the stable name before it stops, so the name never reaches a stopping container.
  if (oldVersion) {
    await execute(ctx, host, names.leaveNames(target, { version: oldVersion }), { allowFailure: true, ...cleanup });
    await execute(ctx, host, app.stop(target, { version: oldVersion }), { allowFailure: true, ...cleanup });
    if (role.assets) await execute(ctx, host, app.cleanUpAssets(target), cleanup);
    if (ctx.config.errorPagesPath) await execute(ctx, host, app.cleanUpErrorPages(target), cleanup);
  }
  return record("switched");
}

/** `<host, at most 51 chars, without a trailing dot>-<12 hex>` */
export function containerHostname(host: string, hex: string): string {
  const prefix = host.slice(0, HOSTNAME_PREFIX_LENGTH);
  return `${prefix.endsWith(".") ? prefix.slice(0, -1) : prefix}-${hex}`;
}

/** Renames a container already named for this version; returns the version running now, if any. */
async function renameClashingAndFindRunning(ctx: DeployContext, { host, role }: BootRoleOptions) {
  const target = { config: ctx.config, role, host };
  const version = ctx.config.version;
  const existing = await capture(ctx, host, app.containerIdForVersion(target, version), { allowFailure: true });
  if (existing) {
    const renamed = `${version}_replaced_${ctx.facts.randomHex(8)}`;
    ctx.logger.forHost(host).info(`Renaming container ${version} to ${renamed} as already deployed on ${host}`);
    await execute(ctx, host, audit(ctx, role, `Renaming container ${version} to ${renamed}`));
    await execute(ctx, host, app.renameContainer(target, { version, newVersion: renamed }));
  }
  const running = await capture(ctx, host, app.currentRunningVersion(target), { allowFailure: true });
  return running === "" ? undefined : running;
}

/** Env file, `docker run`, then proxy deploy or health polling; `started.container` once `docker run` ran. */
async function startNewVersion(
  ctx: DeployContext,
  options: BootRoleOptions,
  started: { container: boolean },
): Promise<void> {
  const { host, role } = options;
  const target = { config: ctx.config, role, host };
  const version = ctx.config.version;
  try {
    await executeScript(ctx, host, [
      { command: audit(ctx, role, `Booted app version ${version}`) },
      { command: app.ensureEnvDirectory(target) },
    ]);
    await ctx.executor.upload(
      host,
      { content: new Sensitive(renderEnvFile(role.env(host).secretValues())) },
      role.secretsPath,
      { mode: ENV_FILE_MODE },
    );
    const run = app.run(target, {
      hostname: containerHostname(host, ctx.facts.randomHex(6)),
      stableNames: true,
      extraHosts: await extraHostsFor(ctx, host, role),
    });
    ctx.state.interruption.throwIfRequested();
    started.container = true;
    await execute(ctx, host, run);
    for (const join of names.joinOwnNetworks(target)) await execute(ctx, host, join);
    if (role.runningProxy) {
      const endpoint = await capture(ctx, host, app.containerIdForVersion(target, version));
      if (!endpoint) {
        throw new BootError(`Failed to get endpoint for ${role.name} on ${host}, did the container boot?`);
      }
      await progressOf(ctx).track({ label: `${role.name} proxy deploy`, host }, () =>
        execute(ctx, host, app.deploy(target, { target: endpoint })),
      );
    } else {
      await progressOf(ctx).track({ label: `${role.name} health`, host }, () =>
        waitForHealthy(ctx, {
          host,
          status: () => capture(ctx, host, app.status(target, { version }), { allowFailure: true }),
          timing: options.timing ?? REAL_TIMING,
        }),
      );
    }
  } catch (error) {
    if (error instanceof InterruptedError) throw error;
    const reason = error instanceof CommandFailedError ? error.stderr : "";
    ctx.logger.error(`Failed to boot ${role.name} on ${host}${reason ? `: ${reason}` : ""}`);
    throw error;
  }
}

/** Prints the failed container's logs and health log (Kamal does when the barrier closes). */
async function showFailedContainer(ctx: DeployContext, { host, role }: BootRoleOptions): Promise<void> {
  const target = { config: ctx.config, role, host };
  const version = ctx.config.version;
  try {
    const id = await capture(ctx, host, app.containerIdForVersion(target, version));
    if (!id) throw new BootError(`no container for ${version}`);
    const logs = await capture(ctx, host, app.logs(target, { containerId: id }));
    if (logs) ctx.logger.error(logs);
    const health = await capture(ctx, host, app.containerHealthLog(target, { version }));
    if (health && health !== "null") ctx.logger.error(health);
  } catch {
    ctx.logger.error(`Could not fetch logs for ${version}`);
  }
}

function audit(ctx: DeployContext, role: Role, line: string) {
  return auditor.record(ctx.config, line, { details: { role: role.name }, facts: ctx.facts });
}
