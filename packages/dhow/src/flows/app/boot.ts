/**
 * @module
 * `app boot` (Kamal's `Cli::App#boot`), also the heart of deploy, redeploy and rollback: with the lock,
 * on every app host upload error pages, prepare assets and upload TLS certificates; then boot the hosts in
 * `boot.limit` groups (barrier-role hosts first), each between the pre-app-boot and post-app-boot hooks and
 * followed by `boot.wait`; finally tag the booted image as latest on every app host. After Ctrl-C the boots
 * under way finish, hosts whose every role switched get `latest` tagged, and each host's state is printed.
 * dhow only, with `depends_on`: first the accessories the selected roles depend on are booted where missing
 * and waited for (flows/accessory/dependencies.ts); then roles boot in layers, each after the roles it
 * depends on booted on all their hosts, the primary-role barrier applying within the primary role's layer.
 */
import * as app from "../../commands/app.js";
import * as auditor from "../../commands/auditor.js";
import * as names from "../../commands/app/names.js";
import { DHOW_NETWORK, KAMAL_NETWORK, PROXY_CONTAINER_NAME } from "../../constants.js";
import { createBarrier } from "./barrier.js";
import { barrierRoleFirst, bootGroup } from "./boot-group.js";
import type { DeployContext } from "../runtime/context.js";
import type { BootOutcome } from "./boot-role.js";
import type { Config } from "../../config/config.js";
import { InterruptedError } from "../../errors.js";
import { onHosts } from "../../remote/on-hosts.js";
import { executeLater, type FlowStep, on } from "../runtime/execute.js";
import { gatherFacts } from "../runtime/gather.js";
import { gatheredNetworks } from "../runtime/kamal-network.js";
import { gatheredProxyState } from "../proxy/boot.js";
import { REAL_TIMING, type Timing } from "../runtime/timing.js";
import { assetSteps } from "./assets.js";
import { checkCrossHostPorts } from "./cross-host.js";
import { runHook } from "../runtime/run-hook.js";
import { sslCertificateSteps } from "./ssl-certificates.js";
import { errorPageSteps } from "./error-pages.js";
import { withLock } from "../runtime/with-lock.js";
import { dependencyRun } from "../accessory/dependencies.js";
import { usesDependencies } from "../accessory/uses-dependencies.js";
import { type GraphNode, topologicalLayers } from "../../config/dependency-graph.js";
import { toSentence } from "../runtime/words.js";
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
    // One round trip reads what the boot decides on, unless the deploy's gather step already did.
    const ungathered = selection.appHosts.filter((host) => !vctx.state.gathered.has(host));
    if (ungathered.length > 0) await gatherFacts(vctx, ungathered);

    // Assets and files go to every host before any boot, so old and new containers find them everywhere;
    // so does the `dhow` network new containers start on (with the proxy and accessories on it).
    // (All of it rides in front of the host's boot script when the deploy gathered the host: pending.ts.)
    await on(vctx, selection.appHosts, async (host) => {
      const steps: FlowStep[] = [
        ...(namesNetworkReady(vctx, host)
          ? []
          : [{ command: names.ensureNamesNetwork(namesNetworkMembers(config, host)) }]),
        ...errorPageSteps(vctx, host),
      ];
      for (const role of selection.rolesOn(host)) {
        steps.push(...(await assetSteps(vctx, host, role)), ...sslCertificateSteps(vctx, host, role));
      }
      await executeLater(vctx, host, steps, { purpose: "the names network, error pages, assets, TLS files" });
    });

    const barrierRole = selection.primaryRole?.name;
    const ledger: BootOutcome[] = [];
    const layers = usesDependencies(config) ? await prepareDependencies(vctx, timing) : [undefined];
    // Accessories reached by name from other hosts publish their port where those hosts reach it.
    await checkCrossHostPorts(vctx);
    try {
      for (const [index, roles] of layers.entries()) {
        if (roles && index > 0) {
          const before = layers.slice(0, index).flatMap((layer) => layer ?? []);
          vctx.logger.say(`Booting ${toSentence(roles)} after ${toSentence(before)} (depends_on)...`, "magenta");
        }
        // Kamal's primary-role barrier, within the layer that holds the primary role (every role without depends_on).
        const layerBarrierRole = roles === undefined || roles.includes(barrierRole ?? "") ? barrierRole : undefined;
        const barrier = layerBarrierRole === undefined ? undefined : createBarrier();
        for (const hosts of hostBootGroups(vctx, layerBarrierRole, roles)) {
          const hostList = hosts.join(",");
          await runHook(vctx, "pre-app-boot", { hosts: hostList });
          await bootGroup(vctx, { hosts, barrier, barrierRole: layerBarrierRole, timing, ledger, roles });
          await runHook(vctx, "post-app-boot", { hosts: hostList });
          if (config.boot.wait) await timing.sleep(config.boot.wait * 1000);
        }
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

/**
 * The containers a new app container on `host` must reach on the `dhow` network before it joins `kamal`: the
 * proxy (it health-checks the new container) and the accessories on the `kamal` network there.
 */
export function namesNetworkMembers(config: Config, host: string): string[] {
  const accessories = config.accessories.filter(
    (accessory) => accessory.hosts.includes(host) && accessory.network === KAMAL_NETWORK,
  );
  return [
    ...(config.proxyHosts.includes(host) ? [PROXY_CONTAINER_NAME] : []),
    ...accessories.map((accessory) => accessory.serviceName),
  ];
}

/**
 * Whether the gather step saw the `dhow` network on `host` with every container that must be on it there (the
 * proxy, running; no accessory, whose membership it does not read): then its check is left out (dhow only).
 */
function namesNetworkReady(ctx: DeployContext, host: string): boolean {
  const members = namesNetworkMembers(ctx.config, host);
  if (members.some((member) => member !== PROXY_CONTAINER_NAME)) return false;
  if (!gatheredNetworks(ctx, host)?.includes(DHOW_NETWORK)) return false;
  if (members.length === 0) return true;
  const proxyState = gatheredProxyState(ctx, host);
  return proxyState?.running === true && proxyState.onNamesNetwork;
}

function tagLatest(ctx: DeployContext, host: string, options: { evenIfInterrupted?: boolean } = {}) {
  const config: Config = ctx.config;
  return executeLater(
    ctx,
    host,
    [
      {
        command: auditor.record(config, `Tagging ${config.absoluteImage} as the latest image`, { facts: ctx.facts }),
      },
      { command: app.tagLatestImage({ config, role: config.roles[0]!, host }) },
    ],
    { ...options, purpose: "tag the new image latest" },
  );
}

/**
 * With `depends_on`: boots and waits for the accessories the selected roles depend on, then returns the
 * selected roles in layers (a role after the roles it depends on). Nothing boots when a dependency fails.
 */
async function prepareDependencies(ctx: DeployContext, timing: Timing): Promise<(readonly string[])[]> {
  const run = dependencyRun(ctx, { timing });
  const selected = ctx.selection.roles.map((role): GraphNode => ({ kind: "role", name: role.name }));
  if (run.hasAccessoryDependencies(selected)) {
    ctx.logger.say(
      `Boot and wait for the dependencies of ${toSentence(selected.map((node) => node.name))}...`,
      "magenta",
    );
    try {
      await run.satisfy(selected);
    } catch (error) {
      if (ctx.state.interruption.requested) {
        ctx.logger.warn(
          "Interrupted while waiting for dependencies: no new version was booted, the previous one still serves",
        );
      } else {
        ctx.logger.error("A dependency is not ready: no new version was booted, the previous one still serves");
      }
      throw error;
    }
  }
  const names = new Set(selected.map((node) => node.name));
  // Roles wait for roles only: accessories were handled above, so layer on the role-to-role edges alone.
  const roleEdges = run.graph.edges.filter((edge) => edge.dependent.kind === "role" && edge.dependency.kind === "role");
  return topologicalLayers({ nodes: run.graph.nodes, edges: roleEdges }, selected)
    .map((layer) => layer.filter((node) => node.kind === "role" && names.has(node.name)).map((node) => node.name))
    .filter((layer) => layer.length > 0);
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

/**
 * The app hosts in `boot.limit` slices, hosts of the barrier role first (one group without a limit); with
 * `roles` (a layer of the `depends_on` graph) only the hosts of those roles.
 */
export function hostBootGroups(ctx: DeployContext, barrierRole?: string, roles?: readonly string[]): string[][] {
  const { config, selection } = ctx;
  const layerRoles =
    roles === undefined ? selection.roles : selection.roles.filter((role) => roles.includes(role.name));
  const appHosts = selection.appHosts.filter((host) => layerRoles.some((role) => role.hosts.includes(host)));
  const first = barrierRoleFirst(layerRoles, barrierRole)[0];
  const hosts = first
    ? [
        ...appHosts.filter((host) => first.hosts.includes(host)),
        ...appHosts.filter((host) => !first.hosts.includes(host)),
      ]
    : [...appHosts];
  const limit = config.boot.limit;
  if (!limit || limit <= 0) return hosts.length > 0 ? [hosts] : [];
  const groups: string[][] = [];
  for (let index = 0; index < hosts.length; index += limit) groups.push(hosts.slice(index, index + limit));
  return groups;
}
