/**
 * @module
 * `dhow accessory boot NAME|all` (Kamal §7): prepare (registry login + `kamal` network), skip hosts where
 * the container already exists, create directories and upload files on every host, then per remaining host:
 * audit, env file (0600), `docker run`, and `kamal-proxy deploy` for a proxied accessory. `all` boots each
 * accessory in YAML order, one after another. `setup` calls it with `all`.
 */
import * as accessoryCommands from "../../commands/accessory.js";
import * as auditor from "../../commands/auditor.js";
import { renderEnvFile } from "../../config/env-file.js";
import { Sensitive } from "../../sensitive.js";
import type { DeployContext } from "../runtime/context.js";
import { capture, execute, on } from "../runtime/execute.js";
import { accessoryDirectories } from "./directories.js";
import { accessoryNames, selectAccessory } from "./lookup.js";
import { registerWithProxy } from "./register-with-proxy.js";
import { extraHostsForAccessory } from "../app/cross-host.js";
import { prepareAccessory } from "./prepare.js";
import { progressOf } from "../runtime/progress.js";
import { uploadAccessoryFiles } from "./upload.js";
import { withLock } from "../runtime/with-lock.js";
import type { Timing } from "../app/poll-healthy.js";
import { usesDependencies } from "./uses-dependencies.js";
import { requireSecrets } from "../runtime/require-secrets.js";

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

async function bootOne(
  ctx: DeployContext,
  name: string,
  options: BootAccessoryOptions,
): Promise<AccessoryBootOutcome[]> {
  if (options.prepare ?? true) await prepareAccessory(ctx, name);
  const selected = selectAccessory(ctx, name);
  const hosts = options.hosts ? selected.hosts.filter((host) => options.hosts?.includes(host)) : selected.hosts;
  const accessory = options.oneShot ? { ...selected.accessory, restartPolicy: "no" } : selected.accessory;
  const target = { config: ctx.config, accessory };

  const existing = await on(ctx, hosts, async (host) =>
    (await capture(ctx, host, accessoryCommands.info(target, { all: true, quiet: true }))) === "" ? [] : [host],
  );
  const booted = existing.flat();
  if (booted.length > 0) {
    ctx.logger.say(`Skipping booting \`${name}\` on ${booted.join(", ")}, a container already exists`, "yellow");
  }

  await accessoryDirectories(ctx, name);
  await uploadAccessoryFiles(ctx, name);

  const envFile = new Sensitive(renderEnvFile(accessory.env.secretValues()), `<env file of ${name}>`);
  const container = accessory.serviceName;
  const started = await on(
    ctx,
    hosts.filter((host) => !booted.includes(host)),
    (host) =>
      progressOf(ctx).track({ label: `boot ${name}`, host }, async () => {
        await execute(ctx, host, auditor.record(ctx.config, `Booted ${name} accessory`, { facts: ctx.facts }));
        await execute(ctx, host, accessoryCommands.ensureEnvDirectory(target));
        await ctx.executor.upload(host, { content: envFile }, accessory.secretsPath, { mode: 0o600 });
        const extraHosts = await extraHostsForAccessory(ctx, host, accessory);
        await execute(ctx, host, accessoryCommands.run(target, { host, extraHosts }));
        await registerWithProxy(ctx, host, accessory, target);
        return { host, accessory: name, state: "booted", container } as const;
      }),
  );
  return [
    ...booted.map((host) => ({ host, accessory: name, state: "already-exists", container }) as const),
    ...started,
  ];
}
