/**
 * @module
 * Cross-host names (dhow only, docs/service-names.md): the pure rules behind making an accessory's name
 * `<service>-<name>` resolve on hosts where the accessory does not run.
 *
 * - Which names: `crossHostLinks` lists, for a role (or an accessory) on a host, every accessory it
 *   depends on (`depends_on`) or names in a clear env value (`redis://app-redis:6379`) that has no
 *   container on that host. Names the role maps itself (`options: add-host: app-redis:…`) are left alone.
 * - Which address: the accessory's first host's private address: the `private_ip` setting, else the host
 *   itself when it is an IPv4 literal in a private range (10/8, 172.16/12, 192.168/16, 100.64/10), else
 *   discovered on the host (`parseInterfaceAddresses` + `choosePrivateAddress` on the output of
 *   `ip -4 -o addr show scope global`).
 * - Which ports: `parsePublishSpec` reads an accessory's `port:` (docker's `[ip:][hostPort:]containerPort
 *   [/proto]`), `publishProblem` says why it cannot be reached from another host (config level), and
 *   `parseDockerPort` + `reachableBinding` judge what `docker port <container>` reports (deploy time).
 */
import { isIPv4 } from "node:net";
import type { Accessory, Role } from "./config.js";
import type { Dependency } from "./sections/depends-on.js";

/** What the link rules read from a config (a Config has all of it). */
export interface CrossHostSource {
  readonly roles: readonly CrossHostRole[];
  readonly accessories: readonly CrossHostAccessory[];
}

/** The parts of a role the rules read. */
export type CrossHostRole = Pick<Role, "name" | "hosts" | "options" | "env"> & {
  readonly dependsOn?: readonly Dependency[] | undefined;
};

/** The parts of an accessory the rules read. */
export type CrossHostAccessory = Pick<
  Accessory,
  "name" | "serviceName" | "hosts" | "port" | "network" | "env" | "options"
> & {
  readonly dependsOn?: readonly Dependency[] | undefined;
};

/** A role or an accessory that reaches an accessory on another host. */
export interface CrossHostDependent {
  readonly kind: "role" | "accessory";
  readonly name: string;
}

/** One name that must resolve on `host` to an accessory that runs elsewhere. */
export interface CrossHostLink {
  readonly dependent: CrossHostDependent;
  /** The host the dependent runs on (where the name must resolve). */
  readonly host: string;
  readonly accessory: CrossHostAccessory;
  /** `<service>-<name>` (the accessory's container name). */
  readonly name: string;
  /** The accessory's first host, whose private address the name maps to. */
  readonly target: string;
  /** Why: `depends_on`, or the env variable whose value names it (`env REDIS_URL`). */
  readonly via: string;
  /** The port named after the name in that env value (`app-redis:6379` → `6379`), if any. */
  readonly portInEnv: string | undefined;
}

/** The accessories a role on `host` reaches there but that run on other hosts, in accessory order. */
export function roleLinks(source: CrossHostSource, role: CrossHostRole, host: string): CrossHostLink[] {
  return linksOf(source, { kind: "role", name: role.name }, host, {
    dependsOn: role.dependsOn,
    clear: role.env(host).clear,
    options: role.options,
  });
}

/** The same for an accessory on `host` (its `depends_on` and clear env). */
export function accessoryLinks(source: CrossHostSource, accessory: CrossHostAccessory, host: string): CrossHostLink[] {
  return linksOf(source, { kind: "accessory", name: accessory.name }, host, {
    dependsOn: accessory.dependsOn,
    clear: accessory.env.clear,
    options: accessory.options,
  }).filter((link) => link.accessory.name !== accessory.name);
}

/** Every link of every role on each of its hosts, then of every accessory on each of its hosts. */
export function allLinks(source: CrossHostSource): CrossHostLink[] {
  return [
    ...source.roles.flatMap((role) => role.hosts.flatMap((host) => roleLinks(source, role, host))),
    ...source.accessories.flatMap((accessory) =>
      accessory.hosts.flatMap((host) => accessoryLinks(source, accessory, host)),
    ),
  ];
}

function linksOf(
  source: CrossHostSource,
  dependent: CrossHostDependent,
  host: string,
  reads: {
    dependsOn: readonly Dependency[] | undefined;
    clear: Readonly<Record<string, unknown>>;
    options: Readonly<Record<string, unknown>>;
  },
): CrossHostLink[] {
  const roleNames = new Set(source.roles.map((role) => role.name));
  // A one-shot (`condition: completed`) is waited for, not reached: it has exited by then.
  const dependedOn = new Set(
    (reads.dependsOn ?? [])
      .filter((entry) => !roleNames.has(entry.name) && entry.condition !== "completed")
      .map((entry) => entry.name),
  );
  const mapped = userMappedNames(reads.options);
  const links: CrossHostLink[] = [];
  for (const accessory of source.accessories) {
    const target = accessory.hosts[0];
    if (target === undefined || accessory.hosts.includes(host) || mapped.has(accessory.serviceName)) continue;
    const depends = dependedOn.has(accessory.name);
    const mention = mentionIn(reads.clear, accessory.serviceName);
    if (!depends && mention === undefined) continue;
    links.push({
      dependent,
      host,
      accessory,
      name: accessory.serviceName,
      target,
      via: depends || mention === undefined ? "depends_on" : `env ${mention.key}`,
      portInEnv: mention?.port,
    });
  }
  return links;
}

/** Where a clear env value names `name` as a host (not as part of a longer name or domain). */
export function mentionIn(
  clear: Readonly<Record<string, unknown>>,
  name: string,
): { key: string; port: string | undefined } | undefined {
  const pattern = namePattern(name);
  for (const [key, value] of Object.entries(clear)) {
    if (value === null || value === undefined) continue;
    const match = pattern.exec(String(value));
    if (match) return { key, port: match[1] };
  }
  return undefined;
}

/** `name` standing alone: not preceded by a name character or dot, not followed by one (nor by `.x`). */
function namePattern(name: string): RegExp {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(?<![A-Za-z0-9_.-])${escaped}(?![A-Za-z0-9_-]|\\.[A-Za-z0-9])(?::(\\d+))?`);
}

/** Names the user maps with the docker option `add-host: name:address` (a list or one value). */
function userMappedNames(options: Readonly<Record<string, unknown>>): Set<string> {
  const value = options["add-host"];
  const entries = value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
  return new Set(entries.map((entry) => String(entry).split(":")[0] ?? ""));
}

// Addresses

/** True for an IPv4 address in 10/8, 172.16/12, 192.168/16 or 100.64/10 (shared address space). */
export function isPrivateIPv4(address: string): boolean {
  if (!isIPv4(address)) return false;
  const [a = 0, b = 0] = address.split(".").map(Number);
  return (
    a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127)
  );
}

/** True for 127/8 and ::1. */
export function isLoopback(address: string): boolean {
  return address === "::1" || address === "localhost" || (isIPv4(address) && address.startsWith("127."));
}

/** True for docker's "every interface" binds: 0.0.0.0 and ::. */
export function isWildcard(address: string | undefined): boolean {
  return address === undefined || address === "" || address === "0.0.0.0" || address === "::";
}

/** The host's private address as the config gives it: `private_ip`, else the host if it is a private literal. */
export function configuredPrivateAddress(setting: ReadonlyMap<string, string>, host: string): string | undefined {
  return setting.get(host) ?? (isPrivateIPv4(host) ? host : undefined);
}

/** One IPv4 address of a host interface. */
export interface InterfaceAddress {
  readonly iface: string;
  readonly address: string;
}

/** Interfaces dhow never takes the private address from: Docker's bridges and veth pairs. */
const DOCKER_INTERFACE = /^(docker0|docker_gwbridge|br-.*|veth.*)$/;

/**
 * The addresses in `ip -4 -o addr show scope global` output (`2: eth1    inet 10.0.0.5/24 brd … scope
 * global eth1\ …`), without Docker's interfaces, in the order listed.
 */
export function parseInterfaceAddresses(output: string): InterfaceAddress[] {
  const found: InterfaceAddress[] = [];
  for (const line of output.split("\n")) {
    const fields = line.trim().split(/\s+/);
    const inet = fields.indexOf("inet");
    if (inet < 1 || fields[inet + 1] === undefined) continue;
    const iface = (fields[inet - 1] ?? "").replace(/:$/, "").split("@")[0] ?? "";
    const address = (fields[inet + 1] ?? "").split("/")[0] ?? "";
    if (!isIPv4(address) || DOCKER_INTERFACE.test(iface)) continue;
    found.push({ iface, address });
  }
  return found;
}

/** The first address in a private range, else the first address, else undefined. */
export function choosePrivateAddress(addresses: readonly InterfaceAddress[]): string | undefined {
  return (addresses.find((entry) => isPrivateIPv4(entry.address)) ?? addresses[0])?.address;
}

// Ports

/** An accessory's `port:` read as docker's publish spec. */
export interface PublishSpec {
  /** The address bound on the host (undefined: every interface). */
  readonly bind: string | undefined;
  /** The host port ("" when docker picks one). */
  readonly hostPort: string;
  readonly containerPort: string;
  readonly protocol: string;
}

/** Parses `[ip:][hostPort:]containerPort[/proto]` (`[::1]:5432:5432` for IPv6 binds). */
export function parsePublishSpec(spec: string): PublishSpec {
  let rest = spec.trim();
  let bind: string | undefined;
  if (rest.startsWith("[")) {
    const end = rest.indexOf("]");
    bind = rest.slice(1, end);
    rest = rest.slice(end + 2);
  }
  const [ports = rest, protocol = "tcp"] = rest.split("/");
  const parts = ports.split(":");
  if (parts.length >= 3) bind = parts.slice(0, -2).join(":");
  const containerPort = parts.at(-1) ?? "";
  const hostPort = parts.length >= 2 ? (parts.at(-2) ?? "") : containerPort;
  return { bind: bind === "" ? undefined : bind, hostPort, containerPort, protocol };
}

/**
 * Why `spec` (an accessory's `port:`, undefined when it has none) cannot be reached from another host at
 * `privateAddress` (undefined when only discovery can tell), or undefined when it can (or only the
 * deploy-time check can tell: a bind to a specific address whose match is not known yet).
 */
export function publishProblem(spec: string | undefined, privateAddress: string | undefined): string | undefined {
  if (spec === undefined) return "publishes no port";
  const parsed = parsePublishSpec(spec);
  if (parsed.bind !== undefined && isLoopback(parsed.bind)) {
    return `publishes ${spec}, bound to the loopback address ${parsed.bind} only`;
  }
  if (parsed.hostPort === "") return `publishes ${spec}, on a port docker picks at random`;
  if (parsed.hostPort !== parsed.containerPort) {
    return `publishes ${spec}: host port ${parsed.hostPort} is not the container port ${parsed.containerPort}, so the name with port ${parsed.containerPort} would work on its own host and fail on the others`;
  }
  if (!isWildcard(parsed.bind) && privateAddress !== undefined && parsed.bind !== privateAddress) {
    return `publishes ${spec}, bound to ${parsed.bind}, not to the private address ${privateAddress}`;
  }
  return undefined;
}

/** One line of `docker port <container>`: `6379/tcp -> 0.0.0.0:6379`. */
export interface PortBinding {
  readonly containerPort: string;
  readonly protocol: string;
  /** `0.0.0.0`, `::`, or a specific address. */
  readonly bind: string;
  readonly hostPort: string;
}

/** Parses `docker port <container>` (`6379/tcp -> 0.0.0.0:6379`, `6379/tcp -> [::]:6379` or `:::6379`). */
export function parseDockerPort(output: string): PortBinding[] {
  const bindings: PortBinding[] = [];
  for (const line of output.split("\n")) {
    const match = /^\s*(\d+)\/(\w+)\s+->\s+(.+):(\d+)\s*$/.exec(line);
    if (!match) continue;
    const [, containerPort = "", protocol = "", rawBind = "", hostPort = ""] = match;
    const bind = rawBind.replace(/^\[(.*)\]$/, "$1");
    bindings.push({ containerPort, protocol, bind: bind === "::" || bind === "" ? "::" : bind, hostPort });
  }
  return bindings;
}

/**
 * The binding that makes `spec`'s container port reachable from another host at `privateAddress`: same
 * container port and protocol, the same port on the host, bound to every interface or to that address.
 */
export function reachableBinding(
  bindings: readonly PortBinding[],
  spec: PublishSpec,
  privateAddress: string,
): PortBinding | undefined {
  return bindings.find(
    (binding) =>
      binding.containerPort === spec.containerPort &&
      binding.protocol === spec.protocol &&
      binding.hostPort === spec.containerPort &&
      (isWildcard(binding.bind) || binding.bind === privateAddress),
  );
}
