/**
 * @module
 * Cross-host names (docs/service-names.md): the `--add-host <name>:<address>` entries that make an
 * accessory's name `<service>-<name>` resolve on a host where it does not run, and the deploy-time check
 * that its port is published where those hosts can reach it. The rules (which names, which address, port
 * parsing) are config/cross-host.ts; this file adds what needs the hosts:
 *
 * - `privateAddressOf(ctx, host)`: the `private_ip` setting, else the host itself when it is a private IPv4
 *   literal, else the cache `.kamal/private-ips.json` (PRIVATE_IP_CACHE, in the project directory; a JSON
 *   object host → address; delete it, or one entry, to discover again), else discovered once over SSH
 *   (`ip -4 -o addr show scope global` on that host, Docker's interfaces skipped, a private-range address
 *   preferred) and written to the cache. One discovery per host per run, however many callers ask.
 * - `extraHostsFor(ctx, host, role)` / `extraHostsForAccessory(ctx, host, accessory)`: the names to add to
 *   that container on that host, each with its address (empty when everything it reaches runs there).
 * - `checkCrossHostPorts(ctx)`: on each host of an accessory that a selected role reaches from another
 *   host, `docker port <container>` must show the port bound to 0.0.0.0/[::] or the private address.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { isIPv4 } from "node:net";
import * as crossHostCommands from "../../commands/cross-host.js";
import type { ExtraHost } from "../../commands/cross-host.js";
import type { Accessory, Role } from "../../config/config.js";
import {
  accessoryLinks,
  type CrossHostLink,
  choosePrivateAddress,
  configuredPrivateAddress,
  isPrivateIPv4,
  parseDockerPort,
  parseInterfaceAddresses,
  parsePublishSpec,
  reachableBinding,
  roleLinks,
} from "../../config/cross-host.js";
import { privateIpSetting } from "../../config/sections/private-ip.js";
import { CrossHostError } from "../../errors.js";
import type { Executor } from "../../remote/executor.js";
import type { DeployContext } from "../runtime/context.js";
import { execute, on } from "../runtime/execute.js";
import { gatheredAnswer } from "../runtime/gather.js";
import { render } from "../../commands/command.js";

/** Where discovered private addresses are cached, relative to the project directory. */
export const PRIVATE_IP_CACHE = ".kamal/private-ips.json";

/** The accessories `role` reaches on `host` that run elsewhere, each with its host's private address. */
export async function extraHostsFor(ctx: DeployContext, host: string, role: Role): Promise<readonly ExtraHost[]> {
  return addressesOf(ctx, roleLinks(ctx.config, role, host));
}

/** The same for an accessory on `host` (the accessories it depends on or names in its env). */
export async function extraHostsForAccessory(
  ctx: DeployContext,
  host: string,
  accessory: Accessory,
): Promise<readonly ExtraHost[]> {
  return addressesOf(ctx, accessoryLinks(ctx.config, accessory, host));
}

async function addressesOf(ctx: DeployContext, links: readonly CrossHostLink[]): Promise<readonly ExtraHost[]> {
  const unique = links.filter((link, index) => links.findIndex((other) => other.name === link.name) === index);
  return Promise.all(
    unique.map(async (link) => ({ name: link.name, address: await privateAddressOf(ctx, link.target) })),
  );
}

/** Discoveries under way or done in this run, per executor (one per dhow command) and host. */
const discoveries = new WeakMap<Executor, Map<string, Promise<string>>>();

/** The private address of `host`: setting, private literal, cache, else discovered (see the module header). */
export function privateAddressOf(ctx: DeployContext, host: string): Promise<string> {
  const configured = configuredPrivateAddress(privateIpSetting(ctx.config.raw), host);
  if (configured !== undefined) return Promise.resolve(configured);
  let perHost = discoveries.get(ctx.executor);
  if (perHost === undefined) {
    perHost = new Map();
    discoveries.set(ctx.executor, perHost);
  }
  let address = perHost.get(host);
  if (address === undefined) {
    address = cachedOrDiscovered(ctx, host);
    perHost.set(host, address);
  }
  return address;
}

/** The private address of `host` if known without asking it (setting, private literal, cache), for `details`. */
export function knownPrivateAddress(ctx: DeployContext, host: string): string | undefined {
  return (
    configuredPrivateAddress(privateIpSetting(ctx.config.raw), host) ?? readCache(join(ctx.cwd, PRIVATE_IP_CACHE))[host]
  );
}

async function cachedOrDiscovered(ctx: DeployContext, host: string): Promise<string> {
  const cachePath = join(ctx.cwd, PRIVATE_IP_CACHE);
  const cached = readCache(cachePath)[host];
  if (cached !== undefined) return cached;
  const result = await execute(ctx, host, crossHostCommands.interfaceAddresses(), {
    allowFailure: true,
    readOnly: true,
  });
  const fix = `set it in config/deploy.yml: private_ip: { ${host}: <its private IPv4 address> }`;
  // A dry run offline (or on a host that does not answer) plans with a placeholder and caches nothing.
  const dryRun = ctx.state.plan !== undefined;
  if (dryRun && (result.exitCode !== 0 || choosePrivateAddress(parseInterfaceAddresses(result.stdout)) === undefined)) {
    return `<private address of ${host}>`;
  }
  if (result.exitCode !== 0) {
    const said = (result.stderr || result.stdout).trim();
    throw new CrossHostError(
      `Cannot find the private address of ${host}: \`${result.redacted}\` failed there${said === "" ? "" : ` (${said})`}; ${fix}`,
    );
  }
  const addresses = parseInterfaceAddresses(result.stdout);
  const address = choosePrivateAddress(addresses);
  if (address === undefined) {
    throw new CrossHostError(`Cannot find the private address of ${host}: it has no IPv4 address but Docker's; ${fix}`);
  }
  if (!isPrivateIPv4(address)) {
    ctx.logger.warn(
      `${host} has no address in a private range; other hosts reach its accessories at ${address}, in clear (${fix} to choose another)`,
    );
  }
  ctx.logger
    .forHost(host)
    .info(`private address ${address} (discovered, cached in ${PRIVATE_IP_CACHE}; delete it to discover again)`);
  if (!dryRun) writeCache(cachePath, host, address);
  return address;
}

/** The cache's valid entries (a missing or unreadable file is an empty cache). */
function readCache(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return {};
    return Object.fromEntries(
      Object.entries(parsed).filter(
        (entry): entry is [string, string] => typeof entry[1] === "string" && isIPv4(entry[1]),
      ),
    );
  } catch {
    return {};
  }
}

/** Adds one entry; read and written synchronously, so concurrent discoveries in this process never lose one. */
function writeCache(path: string, host: string, address: string): void {
  const entries = { ...readCache(path), [host]: address };
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(entries, null, 2)}\n`);
}

/** What checkCrossHostPorts covers besides the selected roles. */
export interface CrossHostPortOptions {
  /** Accessories being booted whose own dependencies on other hosts' accessories must be reachable too. */
  readonly accessories?: readonly Accessory[];
}

/**
 * Checks, on the host of every accessory that a selected role (on a selected host), or one of
 * `options.accessories`, reaches from another host, that `docker port <container>` shows its port bound to
 * every interface or to the host's private address. Throws CrossHostError naming the accessory, the host,
 * what is published and the fix; does nothing when no name crosses hosts. Call it once per deploy or setup,
 * after the accessories are up and before the roles boot.
 */
export async function checkCrossHostPorts(ctx: DeployContext, options: CrossHostPortOptions = {}): Promise<void> {
  const links = [
    ...ctx.selection.roles.flatMap((role) =>
      role.hosts
        .filter((host) => ctx.selection.hosts.includes(host))
        .flatMap((host) => roleLinks(ctx.config, role, host)),
    ),
    ...(options.accessories ?? []).flatMap((accessory) =>
      accessory.hosts.flatMap((host) => accessoryLinks(ctx.config, accessory, host)),
    ),
  ];
  const byAccessory = new Map<string, CrossHostLink[]>();
  for (const link of links) {
    if (link.accessory.network === "host") continue;
    byAccessory.set(link.accessory.name, [...(byAccessory.get(link.accessory.name) ?? []), link]);
  }
  const targets = [...new Set([...byAccessory.values()].map((group) => (group[0] as CrossHostLink).target))];
  await on(ctx, targets, async (target) => {
    const address = await privateAddressOf(ctx, target);
    const problems: string[] = [];
    for (const group of byAccessory.values()) {
      const first = group[0] as CrossHostLink;
      if (first.target !== target) continue;
      const problem = await portProblem(ctx, first, address);
      if (problem !== undefined) problems.push(problem);
    }
    if (problems.length === 0) return;
    // A dry run cannot know what the planned steps will change (an accessory it plans to boot): it notes the
    // problem as things stand and plans on.
    if (ctx.state.plan) for (const problem of problems) ctx.state.plan.local(`check before the roles boot: ${problem}`);
    else throw new CrossHostError(problems.join("\n"));
  });
}

async function portProblem(ctx: DeployContext, link: CrossHostLink, address: string): Promise<string | undefined> {
  const { accessory, target } = link;
  const from = `${link.dependent.kind} ${link.dependent.name} on ${link.host} reaches ${link.name} at ${address}`;
  if (accessory.port === undefined) {
    return `${from}, but accessory ${accessory.name} publishes no port; publish it (accessories/${accessory.name}/port)`;
  }
  const spec = parsePublishSpec(accessory.port);
  // Gathered by the deploy's first script where it ran and nothing booted the accessory since, else read now.
  const query = crossHostCommands.publishedPorts(accessory.serviceName);
  const result =
    gatheredAnswer(ctx, target, query) ?? (await execute(ctx, target, query, { allowFailure: true, readOnly: true }));
  if (result.exitCode !== 0) {
    return `${from}, but ${accessory.serviceName} is not running on ${target} (\`${render(query)}\`: ${(result.stderr || result.stdout).trim()}); boot it with \`dhow accessory boot ${accessory.name}\``;
  }
  const bindings = parseDockerPort(result.stdout);
  if (reachableBinding(bindings, spec, address) !== undefined) {
    ctx.logger
      .forHost(target)
      .info(`${accessory.serviceName} publishes ${spec.containerPort}/${spec.protocol} where ${link.host} reaches it`);
    return undefined;
  }
  const published = bindings
    .filter((binding) => binding.containerPort === spec.containerPort && binding.protocol === spec.protocol)
    .map((binding) => `${binding.bind.includes(":") ? `[${binding.bind}]` : binding.bind}:${binding.hostPort}`);
  const shown = published.length === 0 ? "does not publish it" : `publishes it on ${published.join(", ")} only`;
  return (
    `${from}:${spec.containerPort}, but on ${target} ${accessory.serviceName} ${shown}; publish ` +
    `${spec.containerPort}/${spec.protocol} on all interfaces (port: ${spec.containerPort}) or on ${address} ` +
    `(port: ${address}:${spec.containerPort}:${spec.containerPort}) and reboot it (\`dhow accessory reboot ${accessory.name}\`)`
  );
}
