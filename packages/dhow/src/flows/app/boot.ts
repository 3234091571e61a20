/**
 * @module
 * `app boot` (Kamal's `Cli::App#boot`), also the heart of deploy, redeploy and rollback: with the lock,
 * on every app host upload error pages, prepare assets and upload TLS certificates; then boot the hosts in
 * `boot.limit` groups (barrier-role hosts first), each between the pre-app-boot and post-app-boot hooks and
 * followed by `boot.wait`; finally tag the booted image as latest on every app host. After Ctrl-C the boots
 * under way finish, hosts whose every role switched get `latest` tagged, and each host's state is printed.
 */
import * as app from "../../commands/app.js";
import * as auditor from "../../commands/auditor.js";
import { createBarrier } from "./barrier.js";
import { barrierRoleFirst, bootGroup } from "./boot-group.js";
import type { DeployContext } from "../runtime/context.js";
import type { BootOutcome } from "./boot-role.js";
import type { Config } from "../../config/config.js";
import { InterruptedError } from "../../errors.js";
import { onHosts } from "../../remote/on-hosts.js";
import { executeScript, on } from "../runtime/execute.js";
import { REAL_TIMING, type Timing } from "./poll-healthy.js";
import { prepareAssets } from "./assets.js";
import { runHook } from "../runtime/run-hook.js";
import { uploadSslCertificates } from "./ssl-certificates.js";
import { uploadErrorPages } from "./error-pages.js";
import { withLock } from "../runtime/with-lock.js";
import { requireSecrets } from "../runtime/require-secrets.js";

/** Options of `app boot`. */
export interface AppBootOptions {
  /** The version to boot (default: `--version`, else the latest tag, as `kamal app boot`). */
  readonly version?: string | undefined;
  readonly timing?: Timing;
}

/** Boots the app version on the selected app hosts. */
export async function appBoot(ctx: DeployContext, options: AppBootOptions = {}): Promise<void> {
  requireSecrets(ctx, { roles: true });
  await withLock(ctx, async () => {
    const requested = options.version ?? ctx.options.version;
    if (requested === undefined) ctx.logger.say("Get most recent version available as an image...", "magenta");
    const version = requested ?? ctx.config.latestTag;
    const vctx = version === ctx.config.version ? ctx : ctx.withVersion(version);
    const { config, selection } = vctx;
    const timing = options.timing ?? REAL_TIMING;
    vctx.logger.say(`Start container with version ${version} (or reboot if already running)...`, "magenta");

    // Assets and files go to every host before any boot, so old and new containers find them everywhere.
    await on(vctx, selection.appHosts, async (host) => {
      await uploadErrorPages(vctx, host);
      for (const role of selection.rolesOn(host)) {
        await prepareAssets(vctx, host, role);
        await uploadSslCertificates(vctx, host, role);
      }
    });

    const barrierRole = selection.primaryRole?.name;
    const barrier = createBarrier();
    const ledger: BootOutcome[] = [];
    try {
      for (const hosts of hostBootGroups(vctx, barrierRole)) {
        const hostList = hosts.join(",");
        await runHook(vctx, "pre-app-boot", { hosts: hostList });
        await bootGroup(vctx, { hosts, barrier, barrierRole, timing, ledger });
        await runHook(vctx, "post-app-boot", { hosts: hostList });
        if (config.boot.wait) await timing.sleep(config.boot.wait * 1000);
      }
    } catch (error) {
      if (!vctx.state.interruption.requested) throw error;
      const switched = fullySwitchedHosts(vctx, ledger);
      await onHosts(switched, (host) => tagLatest(vctx, host, { evenIfInterrupted: true }));
      vctx.logger.warn(describeHostStates(vctx, ledger, switched).join("\n"));
      throw error instanceof InterruptedError ? error : new InterruptedError();
    }

    await on(vctx, selection.appHosts, (host) => tagLatest(vctx, host));
  });
}

function tagLatest(ctx: DeployContext, host: string, options: { evenIfInterrupted?: boolean } = {}) {
  const config: Config = ctx.config;
  return executeScript(
    ctx,
    host,
    [
      {
        command: auditor.record(config, `Tagging ${config.absoluteImage} as the latest image`, { facts: ctx.facts }),
      },
      { command: app.tagLatestImage({ config, role: config.roles[0]!, host }) },
    ],
    options,
  );
}

/** App hosts where every selected role switched to the new version. */
function fullySwitchedHosts(ctx: DeployContext, ledger: readonly BootOutcome[]): string[] {
  return ctx.selection.appHosts.filter((host) =>
    ctx.selection
      .rolesOn(host)
      .every((role) => ledger.some((o) => o.host === host && o.role === role.name && o.state === "switched")),
  );
}

/** After Ctrl-C: one line per (host, role) saying what serves there now. */
export function describeHostStates(
  ctx: DeployContext,
  ledger: readonly BootOutcome[],
  taggedHosts: readonly string[],
): string[] {
  const version = ctx.config.version;
  const lines = [`Interrupted during app boot of ${version}; each host is consistent and serving:`];
  for (const host of ctx.selection.appHosts) {
    for (const role of ctx.selection.rolesOn(host)) {
      const outcome = ledger.find((o) => o.host === host && o.role === role.name);
      const previous = outcome?.previousVersion
        ? `previous version ${outcome.previousVersion}`
        : "the previous version";
      const state =
        outcome?.state === "switched"
          ? `new version ${version} (switched${taggedHosts.includes(host) ? ", tagged latest" : ""})`
          : outcome?.state === "failed"
            ? `${previous} (new container started, then stopped: it had not switched)`
            : `${previous} (new version not started)`;
      lines.push(`  ${host} ${role.name}: ${state}`);
    }
  }
  return lines;
}

/** The app hosts in `boot.limit` slices, hosts of the barrier role first (one group without a limit). */
export function hostBootGroups(ctx: DeployContext, barrierRole?: string): string[][] {
  const { config, selection } = ctx;
  const first = barrierRoleFirst(selection.roles, barrierRole)[0];
  const hosts = first
    ? [
        ...selection.appHosts.filter((host) => first.hosts.includes(host)),
        ...selection.appHosts.filter((host) => !first.hosts.includes(host)),
      ]
    : [...selection.appHosts];
  const limit = config.boot.limit;
  if (!limit || limit <= 0) return hosts.length > 0 ? [hosts] : [];
  const groups: string[][] = [];
  for (let index = 0; index < hosts.length; index += limit) groups.push(hosts.slice(index, index + limit));
  return groups;
}
