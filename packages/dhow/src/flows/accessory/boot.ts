/**
 * @module
 * `dhow accessory boot NAME|all` (Kamal §7): prepare (registry login + `kamal` network), skip hosts where
 * the container already exists, create directories and write files on every host, then per remaining host:
 * audit, env file (0600), `docker run`, and `kamal-proxy deploy` for a proxied accessory: Kamal's commands in
 * Kamal's order, in two scripts per host (Kamal: a round trip per command and an SFTP session per file). `all` boots each
 * accessory in YAML order, one after another. `setup` calls it with `all`.
 */
import * as accessoryCommands from "../../commands/accessory.js";
import type { AccessoryTarget } from "../../commands/accessory.js";
import * as auditor from "../../commands/auditor.js";
import { containerIdFor } from "../../commands/base.js";
import { readOnHost } from "../../commands/read-on-host.js";
import * as registry from "../../commands/registry.js";
import { ENV_FILE_MODE, writeFile } from "../../commands/write-file.js";
import type { Accessory } from "../../config/config.js";
import { renderEnvFile } from "../../config/env-file.js";
import { Sensitive } from "../../sensitive.js";
import { extraHostsForAccessory } from "../app/cross-host.js";
import type { Timing } from "../runtime/timing.js";
import { registryLoginSteps } from "../build/pull.js";
import type { DeployContext } from "../runtime/context.js";
import { executeScript, type FlowStep, on } from "../runtime/execute.js";
import { forget } from "../runtime/gather.js";
import { dependencyFacts } from "../runtime/gather-queries.js";
import { ensureKamalNetwork } from "../runtime/kamal-network.js";
import { progressOf } from "../runtime/progress.js";
import { requireSecrets } from "../runtime/require-secrets.js";
import { withLock } from "../runtime/with-lock.js";
import { directorySteps } from "./directories.js";
import { accessoryNames, selectAccessory } from "./lookup.js";
import { fileSteps } from "./upload.js";
import { usesDependencies } from "./uses-dependencies.js";

export interface BootAccessoryOptions {
  /** Log in and create the network first (false when `reboot` already did). */
  readonly prepare?: boolean;
  /** Only these of the accessory's selected hosts (dhow's dependency walk boots where it is missing). */
  readonly hosts?: readonly string[];
  /** Run it without a restart policy (a one-shot `completed` dependency, which must exit). */
  readonly oneShot?: boolean;
  /**
   * Boot only this accessory, as Kamal does. Otherwise, when the config uses `depends_on`, each accessory
   * boots after its dependencies reached their condition (flows/accessory/dependencies.ts).
   */
  readonly direct?: boolean;
  /** Clock of the dependency waits (tests). */
  readonly timing?: Timing;
}

/** What booting an accessory did on one host: started its container, or found one there already. */
export interface AccessoryBootOutcome {
  readonly host: string;
  readonly accessory: string;
  readonly state: "booted" | "already-exists";
  /** The container started or found (`<service>-<name>`). */
  readonly container: string;
}

/** Boots the accessory `name` (or every accessory, for `all`) on its hosts, with the lock. */
export async function bootAccessory(
  ctx: DeployContext,
  name: string,
  options: BootAccessoryOptions = {},
): Promise<AccessoryBootOutcome[]> {
  requireSecrets(ctx, { accessory: name });
  if (!options.direct && usesDependencies(ctx.config)) {
    // Loaded on use: the dependency walk itself boots each accessory through this module (`direct`).
    const { dependencyRun } = await import("./dependencies.js");
    return withLock(ctx, () =>
      dependencyRun(ctx, options.timing ? { timing: options.timing } : {}).bootAccessories(accessoryNames(ctx, name)),
    );
  }
  return withLock(ctx, async () => {
    const outcomes: AccessoryBootOutcome[] = [];
    for (const accessoryName of accessoryNames(ctx, name)) {
      outcomes.push(...(await bootOne(ctx, accessoryName, options)));
    }
    return outcomes;
  });
}

/**
 * Two round trips per host (three where the `kamal` network is created first): one script that logs in and
 * reads whether the container exists; one that creates the directories, writes the files and, where it does not exist, the audit line,
 * the env file and `docker run` (and the proxy registration, the container's ID read on the host).
 */
async function bootOne(
  ctx: DeployContext,
  name: string,
  options: BootAccessoryOptions,
): Promise<AccessoryBootOutcome[]> {
  const selected = selectAccessory(ctx, name);
  const hosts = options.hosts ? selected.hosts.filter((host) => options.hosts?.includes(host)) : selected.hosts;
  const accessory = options.oneShot ? { ...selected.accessory, restartPolicy: "no" } : selected.accessory;
  const target = { config: ctx.config, accessory };
  const existsQuery = accessoryCommands.info(target, { all: true, quiet: true });
  // A (re)boot changes what the gather read of it (its state, health and ports): ask again.
  for (const host of hosts) forget(ctx, host, ...dependencyFacts(accessory));

  const found = await on(ctx, selected.hosts, async (host) => {
    const prepare = options.prepare ?? true;
    if (prepare) await ensureKamalNetwork(ctx, host);
    const login = prepare ? loginSteps(ctx, host, accessory) : [];
    const read = hosts.includes(host) ? [{ command: existsQuery, readOnly: true }] : [];
    if (login.length + read.length === 0) return [];
    const results = await executeScript(ctx, host, [...login, ...read], { purpose: `prepare accessory ${name}` });
    return read.length > 0 && results.at(-1)?.stdout.trim() !== "" ? [host] : [];
  });
  const booted = found.flat();
  if (booted.length > 0) {
    ctx.logger.say(`Skipping booting \`${name}\` on ${booted.join(", ")}, a container already exists`, "yellow");
  }

  const layout = [...directorySteps(accessory), ...fileSteps(ctx, name)];
  const envFile = new Sensitive(renderEnvFile(accessory.env.secretValues()), `<env file of ${name}>`);
  const container = accessory.serviceName;
  const toBoot = hosts.filter((host) => !booted.includes(host));
  const started = await on(ctx, selected.hosts, async (host) => {
    if (!toBoot.includes(host)) {
      if (layout.length > 0) await executeScript(ctx, host, layout, { purpose: `directories and files of ${name}` });
      return [];
    }
    return progressOf(ctx).track({ label: `boot ${name}`, host }, async () => {
      const extraHosts = await extraHostsForAccessory(ctx, host, accessory);
      await executeScript(
        ctx,
        host,
        [
          ...layout,
          { command: auditor.record(ctx.config, `Booted ${name} accessory`, { facts: ctx.facts }) },
          { command: writeFile(accessory.secretsPath, envFile, { mode: ENV_FILE_MODE }) },
          { command: accessoryCommands.run(target, { host, extraHosts }) },
          ...proxySteps(accessory, target),
        ],
        { purpose: `boot accessory ${name}` },
      );
      return [{ host, accessory: name, state: "booted", container } as const];
    });
  });
  return [
    ...booted.map((host) => ({ host, accessory: name, state: "already-exists", container }) as const),
    ...started.flat(),
  ];
}

/** Kamal's `prepare` besides the network: `docker login` (the accessory's registry, else the root one). */
function loginSteps(ctx: DeployContext, host: string, accessory: Accessory): FlowStep[] {
  if (!accessory.registry) return registryLoginSteps(ctx, host);
  if (accessory.registry.local) return [];
  return [{ command: registry.login(ctx.config, { registryConfig: accessory.registry }) }];
}

/** A proxied accessory: `kamal-proxy deploy` of its running container, the ID read on the host. */
function proxySteps(accessory: Accessory, target: AccessoryTarget): FlowStep[] {
  if (!accessory.runningProxy) return [];
  const placeholder = "DHOW_ACCESSORY_CONTAINER_ID";
  const id = containerIdFor({ containerName: accessory.serviceName, onlyRunning: true });
  return [{ command: readOnHost(accessoryCommands.deploy(target, { target: placeholder }), placeholder, id) }];
}
