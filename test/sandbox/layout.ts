/**
 * @module
 * Names, addresses and paths of the sandbox, all derived from a few settings so that `up`, `down`,
 * `env` and `status` agree without reading each other's state.
 */
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Where the sandbox lives and how it is addressed. */
export interface Layout {
  /** Live state (keys, configs, docker data roots, logs); `down` deletes it. */
  readonly stateDir: string;
  /** Kept between runs: the registry seed with the base images, stable SSH host and client keys. */
  readonly cacheDir: string;
  /** First three octets of the /24 the sandbox uses, e.g. `10.77.0`. */
  readonly net: string;
  /** Name prefix for network namespaces, veths, the bridge and cgroups (≤ 6 chars: veth names max 15). */
  readonly prefix: string;
  readonly registryPort: number;
}

/** The root of this checkout (test/sandbox/dist/*.js or test/sandbox/*.ts → ../..). */
export const REPO_ROOT = findRepoRoot();

/** Defaults; each can be overridden with an environment variable of the same meaning. */
export const DEFAULT_NET = "10.77.0";
export const DEFAULT_PREFIX = "dhow";
export const DEFAULT_REGISTRY_PORT = 5000;

/** The layout from the environment (DHOW_SANDBOX_DIR, DHOW_SANDBOX_CACHE, DHOW_SANDBOX_NET, DHOW_SANDBOX_PREFIX). */
export function layoutFromEnv(env: NodeJS.ProcessEnv = process.env): Layout {
  const prefix = env["DHOW_SANDBOX_PREFIX"] ?? DEFAULT_PREFIX;
  if (!/^[a-z][a-z0-9]{0,5}$/.test(prefix)) {
    throw new Error(`DHOW_SANDBOX_PREFIX must be 1-6 characters [a-z0-9] (veth names are at most 15), got "${prefix}"`);
  }
  const net = env["DHOW_SANDBOX_NET"] ?? DEFAULT_NET;
  if (!/^\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(net)) {
    throw new Error(`DHOW_SANDBOX_NET must be the first three octets of a /24, e.g. 10.77.0, got "${net}"`);
  }
  return {
    stateDir: resolve(env["DHOW_SANDBOX_DIR"] ?? join(REPO_ROOT, ".sandbox", "run")),
    cacheDir: resolve(env["DHOW_SANDBOX_CACHE"] ?? join(REPO_ROOT, ".sandbox", "cache")),
    net,
    prefix,
    registryPort: DEFAULT_REGISTRY_PORT,
  };
}

/** The host's own address on the sandbox bridge (also the registry's). */
export function hostIp(layout: Layout): string {
  return `${layout.net}.1`;
}

/** The builder engine's address. */
export function builderIp(layout: Layout): string {
  return `${layout.net}.2`;
}

/** Server i (1-based) is at .11, .12, … so the infrastructure range .0/29 never overlaps a server. */
export function serverIp(layout: Layout, index: number): string {
  return `${layout.net}.${10 + index}`;
}

/** `host:port` of the registry. */
export function registryAddress(layout: Layout): string {
  return `${hostIp(layout)}:${layout.registryPort}`;
}

/** Host bridge name. */
export function bridgeName(layout: Layout): string {
  return `${layout.prefix}0`;
}

/** Network namespace of a node (`s1`, `s2`, …, `builder`). */
export function netnsName(layout: Layout, node: string): string {
  return `${layout.prefix}-${node}`;
}

/** Host end of a node's veth pair. */
export function vethName(layout: Layout, node: string): string {
  return `${layout.prefix}v-${node}`;
}

/** A node's own directory under the state dir. */
export function nodeDir(layout: Layout, node: string): string {
  return join(layout.stateDir, node);
}

/** The Docker socket of a node, reachable from the host. */
export function dockerSocket(layout: Layout, node: string): string {
  return join(nodeDir(layout, node), "docker.sock");
}

/** The client's private key (kept in the cache so known_hosts entries and keys stay valid across runs). */
export function clientKeyPath(layout: Layout): string {
  return join(layout.cacheDir, "ssh", "id_ed25519");
}

/** known_hosts for the sandbox servers, next to the client key. */
export function knownHostsPath(layout: Layout): string {
  return join(layout.cacheDir, "ssh", "known_hosts");
}

/** An OpenSSH client config for `ssh -F`, next to the client key. */
export function sshConfigPath(layout: Layout): string {
  return join(layout.cacheDir, "ssh", "config");
}

/** The directory holding this module's sibling files (node-boot.sh, delayer.py). */
export const SOURCE_DIR = findSourceDir();

function findSourceDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return here.endsWith(`${"/"}dist`) ? dirname(here) : here;
}

function findRepoRoot(): string {
  return resolve(findSourceDir(), "..", "..");
}
