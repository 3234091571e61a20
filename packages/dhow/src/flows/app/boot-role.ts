/**
 * @module
 * Booting one role on one host (Kamal's `Cli::App::Boot`): rename a clashing container of the same version,
 * find the running version, wait at the primary-role barrier (other roles), upload the env file, `docker
 * run` the new version, then either register it with kamal-proxy (which health-checks it and switches
 * traffic) or poll it until healthy, and stop the old version (dhow: in the background on the host, reported
 * by the host's next script, so the clean-up and other hosts' boots need not wait for it; see
 * commands/detached.ts). A new container that fails is stopped, so the old one keeps serving. Written as a
 * function of (host, role) so a dependency graph can call it.
 * Ctrl-C: no new step starts, but once traffic switched the old container is still stopped (the switch is
 * finished), and a started container that did not switch is stopped; the outcome says which happened.
 */
import * as app from "../../commands/app.js";
import * as auditor from "../../commands/auditor.js";
import * as names from "../../commands/app/names.js";
import type { Role } from "../../config/config.js";
import { renderEnvFile } from "../../config/env-file.js";
import { BootError } from "../../errors.js";
import { CommandFailedError } from "../../remote/executor.js";
import { KAMAL_NETWORK } from "../../constants.js";
import { extraHostsFor } from "./cross-host.js";
import { Sensitive } from "../../sensitive.js";
import { BarrierClosedError, type Barrier } from "./barrier.js";
import type { DeployContext } from "../runtime/context.js";
import { capture, execute, type FlowStep, type PhaseResult, runPhase, withPurpose } from "../runtime/execute.js";
import { captureFact, forget } from "../runtime/gather.js";
import type { Timing } from "../runtime/timing.js";
import { render, shell } from "../../commands/command.js";
import { ENV_FILE_MODE, writeFile } from "../../commands/write-file.js";
import { readOnHost } from "../../commands/read-on-host.js";
import { collectDetached, detach } from "../../commands/detached.js";
import { defer } from "../runtime/pending.js";
import { hookWillRun } from "../runtime/run-hook.js";
import { progressOf } from "../runtime/progress.js";

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

  let rename: FlowStep[];
  try {
    ({ oldVersion, rename } = await findClashingAndRunning(ctx, options));
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

  // The whole boot is one remote script: start, switch (or wait), join the stable name, retire the old one.
  const opened = { barrier: false };
  const openBarrier = () => {
    if (gatekeeper && !opened.barrier && barrier.open()) {
      log.info(`First ${barrierRole} container is healthy on ${host}, booting any other roles`);
    }
    opened.barrier = true;
  };
  let phase: PhaseResult;
  let plan: BootPlan;
  try {
    plan = await bootSteps(ctx, { host, role, rename, oldVersion });
    const landmarks = plan;
    phase = await progressOf(ctx).track({ label: `${role.name} boot`, host }, () =>
      runPhase(ctx, host, plan.steps, {
        purpose: `boot ${role.name} ${ctx.config.version}${oldVersion ? `, retire ${oldVersion}` : ""}`,
        onStep: (event) => {
          if (event.state !== "finished" || event.exitCode !== 0) return;
          if (event.index === landmarks.ready && !role.runningProxy) log.info("Container is healthy!");
          if (event.index === landmarks.join) openBarrier();
        },
      }),
    );
  } catch (error) {
    // Nothing was sent (Ctrl-C before the script) or the connection failed: the new version did not start.
    if (gatekeeper) barrier.close();
    record("not-started");
    throw error;
  }
  if (plan.retired.length > 0 && phase.results.length === plan.steps.length) {
    // The old version's retirement runs on in the background: reported by the host's next script, after the
    // steps queued for it (the clean-up runs beside it), and whatever happens next (it finishes the switch).
    defer(
      ctx,
      host,
      plan.retired.map((step) => ({ ...step, evenIfInterrupted: true, last: true })),
    );
  }
  const failed = phase.failedStep;
  if (failed === undefined) {
    openBarrier();
    return record("switched");
  }

  if (failed >= plan.join) {
    // Healthy and switched, then joining the stable name (or cleaning up after the old version) failed: the
    // old container keeps the name and keeps running, and the deploy fails.
    if (gatekeeper && failed === plan.join) barrier.close();
    record("switched");
    if (failed === plan.join) {
      ctx.logger.error(
        `${role.name} ${version} serves on ${host} but could not join the ${KAMAL_NETWORK} network as ${role.containerPrefix}; the previous container keeps the name`,
      );
    }
    throw phase.error;
  }

  const started = failed >= plan.run;
  const error =
    failed === plan.ready && !role.runningProxy && phase.error instanceof CommandFailedError
      ? new BootError(phase.error.stderr || `container not ready after ${ctx.config.deployTimeout} seconds`)
      : phase.error;
  const reason = phase.error instanceof CommandFailedError ? phase.error.stderr : "";
  if (failed >= 0) ctx.logger.error(`Failed to boot ${role.name} on ${host}${reason ? `: ${reason}` : ""}`);
  if (gatekeeper && barrier.close()) {
    log.info(`First ${barrierRole} container is unhealthy on ${host}, not booting any other roles`);
    if (started) await showFailedContainer(ctx, options);
  }
  // Kamal stops the new version's container whatever happened.
  if (started || !interrupted()) {
    await execute(ctx, host, app.stop(target, { version }), { allowFailure: true, evenIfInterrupted: true });
  }
  record(started ? "failed" : "not-started");
  throw error;
}

/** A role's boot script and the indexes of its landmark steps. */
interface BootPlan {
  readonly steps: FlowStep[];
  /** `docker run` */
  readonly run: number;
  /** The proxy deploy (it health-checks and switches) or the wait until the container is ready. */
  readonly ready: number;
  /** Joining the `kamal` network under the stable name: the switch is complete. */
  readonly join: number;
  /** The reports of the old version's retirement, when the boot script starts it in the background. */
  readonly retired: readonly FlowStep[];
}

/**
 * The steps of one role's boot on one host, in order: rename a clashing container, audit line, env file,
 * `docker run`, join the role's own networks, then (once the app listens, or one health-check interval passed)
 * `kamal-proxy deploy` (it health-checks the new container and switches traffic) or a wait on the host until it
 * is ready, then the stable name, then the old version leaves the name and stops, and its assets and error pages
 * are cleaned up. Without assets or error pages to clean up, the leave and the stop run in the background (the
 * last step only starts them) and `retired` holds the steps that report them.
 */
export async function bootSteps(
  ctx: DeployContext,
  options: { host: string; role: Role; rename: readonly FlowStep[]; oldVersion: string | undefined },
): Promise<BootPlan> {
  const { host, role, oldVersion } = options;
  const target = { config: ctx.config, role, host };
  const version = ctx.config.version;
  const steps: FlowStep[] = [
    ...options.rename,
    { command: audit(ctx, role, `Booted app version ${version}`) },
    {
      command: writeFile(role.secretsPath, new Sensitive(renderEnvFile(role.env(host).secretValues())), {
        mode: ENV_FILE_MODE,
      }),
    },
  ];
  const run = steps.length;
  steps.push({
    command: app.run(target, {
      hostname: containerHostname(host, ctx.facts.randomHex(6)),
      stableNames: true,
      extraHosts: await extraHostsFor(ctx, host, role),
    }),
  });
  for (const join of names.joinOwnNetworks(target)) steps.push({ command: join });
  if (role.runningProxy) {
    const missing = `Failed to get endpoint for ${role.name} on ${host}, did the container boot?`;
    const port = role.proxy ? app.listeningPort(role.proxy.appPort) : undefined;
    if (role.proxy && port !== undefined) {
      // Kamal's endpoint check and dhow's wait until the app listens, with one question to Docker.
      const interval = Number(role.proxy.raw.healthcheck?.interval ?? 1);
      steps.push({
        command: app.checkThenWaitUntilListening(target, {
          version,
          port,
          maxSeconds: interval > 0 ? interval : 1,
          missing,
        }),
      });
    } else {
      const id = render(app.containerIdForVersion(target, version));
      steps.push({ command: shell([`[ -n "$(${id})" ] || { echo "${missing}" >&2; exit 1; }`]) });
    }
    // The target is the new container's ID, read on the host as the proxy deploy runs (Kamal reads it first
    // with its own round trip).
    const placeholder = "DHOW_NEW_CONTAINER_ID";
    steps.push({
      command: readOnHost(
        app.deploy(target, { target: placeholder }),
        placeholder,
        app.containerIdForVersion(target, version),
      ),
    });
  } else {
    steps.push({
      command: app.waitUntilReady(target, {
        version,
        deployTimeout: ctx.config.deployTimeout,
        readinessDelay: ctx.config.readinessDelay,
      }),
    });
  }
  const ready = steps.length - 1;
  steps.push({ command: names.joinNames(target) });
  const join = steps.length - 1;
  const retired: FlowStep[] = [];
  if (oldVersion) {
    const retire = [names.leaveNames(target, { version: oldVersion }), app.stop(target, { version: oldVersion })];
    // The asset and error-page clean-ups come after the stop and may fail the boot; a post-app-boot hook sees the
    // hosts as the boot left them (the old version stopped): then all in turn, as Kamal.
    if (role.assets || ctx.config.errorPagesPath || hookWillRun(ctx, "post-app-boot")) {
      steps.push(...retire.map((command) => ({ command, allowFailure: true })));
      if (role.assets) steps.push({ command: app.cleanUpAssets(target) });
      if (ctx.config.errorPagesPath) steps.push({ command: app.cleanUpErrorPages(target) });
    } else {
      // The new version serves: the old one leaves the name and stops on the host while dhow goes on (the next
      // hosts' boots, the clean-up beside it); the host's next script reports both, after its other steps.
      const id = ctx.facts.randomHex(8);
      steps.push({ command: detach(id, retire) });
      retired.push(
        ...withPurpose<FlowStep>(
          retire.map((command, index) => ({
            command: collectDetached(id, index, command, { last: index === retire.length - 1 }),
            allowFailure: true,
          })),
          `report ${oldVersion}'s retirement (started by the boot script)`,
        ),
      );
    }
  }
  return { steps, run, ready, join, retired };
}

/** `<host, at most 51 chars, without a trailing dot>-<12 hex>` */
export function containerHostname(host: string, hex: string): string {
  const prefix = host.slice(0, HOSTNAME_PREFIX_LENGTH);
  return `${prefix.endsWith(".") ? prefix.slice(0, -1) : prefix}-${hex}`;
}

/**
 * The version running now (if any) and, when a container is already named for the version to boot, the
 * steps renaming it aside. Both come from the gather step when it ran; the boot changes both, so they are
 * forgotten.
 */
async function findClashingAndRunning(
  ctx: DeployContext,
  { host, role }: BootRoleOptions,
): Promise<{ oldVersion: string | undefined; rename: FlowStep[] }> {
  const target = { config: ctx.config, role, host };
  const version = ctx.config.version;
  const clashQuery = app.containerIdForVersion(target, version);
  const runningQuery = app.currentRunningVersion(target);
  const existing = await captureFact(ctx, host, clashQuery);
  const running = await captureFact(ctx, host, runningQuery);
  forget(ctx, host, clashQuery, runningQuery);
  const rename: FlowStep[] = [];
  if (existing) {
    const renamed = `${version}_replaced_${ctx.facts.randomHex(8)}`;
    ctx.logger.forHost(host).info(`Renaming container ${version} to ${renamed} as already deployed on ${host}`);
    rename.push(
      { command: audit(ctx, role, `Renaming container ${version} to ${renamed}`) },
      { command: app.renameContainer(target, { version, newVersion: renamed }) },
    );
  }
  return { oldVersion: running === "" ? undefined : running, rename };
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
