/**
 * @module
 * The first round trip of a deploy (dhow's engine; Kamal spends about ten here): on every host one script
 * that takes the deploy lock (on the lock's host), reads every fact the deploy decides on (gather.ts) and
 * pulls the new image. Steps the flows decide on afterwards ride with each host's next script (pending.ts),
 * so a steady-state deploy is three round trips per host: this one, the boot, and the clean-up with the
 * lock's release.
 *
 * Differences from Kamal's order, on purpose: the lock is taken before the pull, not after it, and the
 * facts are read under the lock. A deploy that finds the lock held pulls nothing on the lock's host; the
 * other hosts' scripts run in parallel and may already have pulled (harmless: a pull changes no container).
 * A host behind a registry mirror (with several app hosts) pulls in a second script, once one host per mirror
 * seeded it (`build pull`): a guard step, right after the lock, stops its first script there, and its reads
 * follow in a third script. Without a mirror the guard passes at once; the pull's preparation (audit line,
 * removing the old copy) runs alone, then the pull starts while the reads run in the background (`background`
 * steps), so the reads cost nothing on the critical path.
 */
import type { Command } from "../../commands/command.js";
import * as lock from "../../commands/lock.js";
import * as server from "../../commands/server.js";
import { CommandFailedError } from "../../remote/executor.js";
import { buildPull, guardedMirror, mirrorQuery, noMirrorGuard, pullStepsInTwo } from "../build/pull.js";
import type { DeployContext } from "../runtime/context.js";
import { type FlowStep, withPurpose } from "../runtime/execute.js";
import { gatherFacts, keepAnswers } from "../runtime/gather.js";
import { withRegistryForwards } from "../registry/forward-port.js";
import { acquireLock, AUTOMATIC_LOCK_MESSAGE, lockHost, withLock } from "../runtime/with-lock.js";

/** What rides in the first script. */
export interface GatherAndPullOptions {
  /** Take the deploy lock in the same script. */
  readonly lock: boolean;
  /** Pull the image (deploy, redeploy) or only gather (rollback, setup's first script). */
  readonly pull: boolean;
  /** Queries read besides the deploy's own (setup: whether docker is installed). */
  readonly extraQueries?: (host: string) => readonly Command[];
}

/** Runs `work` holding the lock, the lock taken in the script that gathers (and pulls). */
export async function withGatheredLock<T>(
  ctx: DeployContext,
  options: { readonly pull: boolean },
  work: () => Promise<T>,
): Promise<T> {
  const done = { gathered: false };
  return withLock(
    ctx,
    async () => {
      if (!done.gathered) await gatherAndPull(ctx, { lock: false, pull: options.pull });
      return work();
    },
    {
      acquire: async () => {
        await gatherAndPull(ctx, { lock: true, pull: options.pull });
        done.gathered = true;
      },
    },
  );
}

/** Takes the lock (optionally), gathers and pulls (optionally) in one script per host. */
export async function gatherAndPull(ctx: DeployContext, options: GatherAndPullOptions): Promise<void> {
  const { selection } = ctx;
  const holder = lockHost(ctx);
  const hosts = [...new Set([...selection.hosts, ...(options.lock ? [holder] : [])])];
  const several = selection.appHosts.length > 1;
  const pulls = (host: string) => options.pull && selection.appHosts.includes(host);
  // The pull rides in the same script. With several app hosts a host behind a registry mirror must wait until one
  // host per mirror seeded it (`build pull`): there a guard skips the rest of the script, and the reads and the
  // pull follow in later scripts. The guard goes before the reads, so it answers alone (a fraction of the time
  // it takes beside them) and the pull starts right after it while the reads run in the background.
  const guard = (host: string): FlowStep[] =>
    several && pulls(host)
      ? [{ command: noMirrorGuard(ctx.config), guard: true, readOnly: true, purpose: "only without a registry mirror" }]
      : [];
  // The pull's own preparation (its audit line, removing the old copy) goes before the reads start, so it does
  // not share the host's CPU with them; the pull itself, mostly waiting on the registry, runs beside them.
  const pullParts = new Map(selection.appHosts.filter(pulls).map((host) => [host, pullStepsInTwo(ctx, host)]));
  const before = (host: string): FlowStep[] => [
    ...(options.lock
      ? [
          { command: server.ensureRunDirectory(ctx.config), purpose: "take the deploy lock" },
          ...(host === holder
            ? [{ command: lock.acquire(ctx.config, AUTOMATIC_LOCK_MESSAGE, ctx.config.version, ctx.facts) }]
            : []),
        ]
      : []),
    ...guard(host),
    ...withPurpose(pullParts.get(host)?.prepare ?? [], "pull the new image"),
  ];
  const after = (host: string): FlowStep[] =>
    withPurpose(pullParts.get(host)?.pull ?? [], "pull the new image (the reads above run beside it)");
  const lockStep = 1;
  if (options.lock) ctx.logger.say("Acquiring the deploy lock...", "magenta");
  const phases = await withRegistryForwards(ctx, options.pull ? selection.hosts : [], () =>
    gatherFacts(ctx, hosts, {
      before,
      after,
      allowFailure: true,
      ...(options.extraQueries ? { extraQueries: options.extraQueries } : {}),
      label: (host) => (options.pull && selection.appHosts.includes(host) ? "pull" : undefined),
      // Held from the moment the step succeeds on the host: whatever fails after it (another host out of
      // reach, Ctrl-C during the reads) still releases it (withLock).
      onStep: (host, event) => {
        if (options.lock && host === holder && event.index === lockStep && event.exitCode === 0) {
          ctx.state.holdingLock = true;
        }
      },
    }),
  );
  // A script that stopped early (or skipped its pull) may not have run its `docker login`: log in next time.
  for (const [host, phase] of phases) if (phase.error || !phase.complete) ctx.state.loggedIn.delete(host);

  if (options.lock) {
    const phase = phases.get(holder);
    if (phase?.failedStep === lockStep && lockHeld(phase.error)) {
      // Held by someone else: report it (or wait for it with --lock-wait) the usual way, then start over.
      ctx.state.gathered.clear();
      await acquireLock(ctx);
      await gatherAndPull(ctx, { ...options, lock: false });
      return;
    }
    if (phase && (phase.failedStep === undefined || phase.failedStep > lockStep)) ctx.state.holdingLock = true;
  }
  for (const phase of phases.values()) if (phase.error) throw phase.error;
  const behindMirror = options.pull ? selection.appHosts.filter((host) => !phases.get(host)?.complete) : [];
  for (const host of behindMirror) {
    // The guard stopped this host's script and printed its mirror: the seeding reads the answer from there.
    const answer = phases.get(host)?.results.at(-1);
    if (answer) keepAnswers(ctx, host, [mirrorQuery(ctx.config)], [guardedMirror(answer)]);
  }
  if (behindMirror.length > 0) {
    await buildPull(ctx, { hosts: behindMirror });
    // The guard stopped those scripts before their reads: one more round trip reads them.
    for (const host of behindMirror) ctx.state.gathered.delete(host);
    await gatherFacts(ctx, behindMirror);
  }
}

function lockHeld(error: Error | undefined): boolean {
  return error instanceof CommandFailedError && /cannot create directory/.test(error.result.stderr);
}
