/**
 * @module
 * The few ~/.ssh/config directives that decide where and how dhow connects: Host, HostName, User, Port,
 * IdentityFile, IdentitiesOnly, ProxyJump, ProxyCommand, UserKnownHostsFile (and Include).
 *
 * Written by hand rather than with the `ssh-config` npm package: dhow needs OpenSSH's first-value-wins
 * resolution, `~` and `%h %p %r %u %d %%` expansion and Include, which that package leaves to the caller, and
 * it must never run `Match exec` commands from a config file. `Match` blocks are skipped (treated as not
 * matching), which is the safe reading for the directives above.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { homedir, userInfo } from "node:os";
import { basename, dirname, isAbsolute, join } from "node:path";

/** One `Host` block (or the implicit block before the first Host line). */
export interface SshConfigBlock {
  /** Host patterns; undefined for `Match` blocks (never applied). */
  readonly patterns: readonly string[] | undefined;
  /** Directives in order, keyword lowercased. */
  readonly options: readonly (readonly [string, string])[];
}

/** The settings for one host after resolving the config. */
export interface SshHostConfig {
  readonly hostName?: string;
  readonly user?: string;
  readonly port?: number;
  readonly identityFiles: readonly string[];
  readonly identitiesOnly?: boolean;
  readonly proxyJump?: string;
  readonly proxyCommand?: string;
  readonly userKnownHostsFiles: readonly string[];
}

/** Reads a config file (and what it includes); injected so tests need no files. */
export type ReadConfigFile = (path: string) => string | undefined;

/** Parses config text into blocks; `Include` lines are expanded with `read` (relative paths: ~/.ssh). */
export function parseSshConfig(
  text: string,
  { read = readConfigFiles }: { read?: ReadConfigFile } = {},
): SshConfigBlock[] {
  const blocks: SshConfigBlock[] = [];
  parseInto(text, { blocks, patterns: ["*"], read, depth: 0 });
  return blocks.filter((block) => block.options.length > 0);
}

/** The default reader: a file's text, or for a glob (`config.d/*`) the matching files' texts in name order. */
export function readConfigFiles(path: string): string | undefined {
  const base = basename(path);
  if (!/[*?]/.test(base)) return existsSync(path) ? readFileSync(path, "utf8") : undefined;
  const dir = dirname(path);
  if (!existsSync(dir)) return undefined;
  const names = readdirSync(dir)
    .filter((name) => globMatches(base, name))
    .sort();
  return names.map((name) => readFileSync(join(dir, name), "utf8")).join("\n");
}

function parseInto(
  text: string,
  {
    blocks,
    patterns,
    read,
    depth,
  }: { blocks: SshConfigBlock[]; patterns: readonly string[] | undefined; read: ReadConfigFile; depth: number },
): void {
  let current: { patterns: readonly string[] | undefined; options: [string, string][] } = { patterns, options: [] };
  blocks.push(current);
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const match = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line);
    if (!match) continue;
    const keyword = match[1]!.toLowerCase();
    const rest = match[2]!.trim();
    if (keyword === "host" || keyword === "match") {
      current = { patterns: keyword === "host" ? splitWords(rest) : undefined, options: [] };
      blocks.push(current);
    } else if (keyword === "include") {
      if (depth >= MAX_INCLUDE_DEPTH) continue;
      for (const path of splitWords(rest)) {
        const full = isAbsolute(expandHome(path)) ? expandHome(path) : join(homedir(), ".ssh", path);
        const included = read(full);
        if (included !== undefined) parseInto(included, { blocks, patterns: current.patterns, read, depth: depth + 1 });
      }
      // lines after the Include still belong to the block it appeared in
      current = { patterns: current.patterns, options: [] };
      blocks.push(current);
    } else {
      current.options.push([keyword, unquote(rest)]);
    }
  }
}

const MAX_INCLUDE_DEPTH = 16;

/** Resolves the settings for `host` the way OpenSSH does: the first value of each directive wins. */
export function resolveSshHost(
  blocks: readonly SshConfigBlock[],
  host: string,
  { user, port }: { user?: string | undefined; port?: number | undefined } = {},
): SshHostConfig {
  const first = new Map<string, string>();
  const identityFiles: string[] = [];
  const knownHosts: string[] = [];
  for (const block of blocks) {
    if (!block.patterns || !matchesHost(block.patterns, host)) continue;
    for (const [keyword, value] of block.options) {
      if (keyword === "identityfile") identityFiles.push(value);
      else if (keyword === "userknownhostsfile") knownHosts.push(...splitWords(value));
      else if (!first.has(keyword)) first.set(keyword, value);
    }
  }
  const hostName = first.has("hostname") ? expandTokens(first.get("hostname")!, { host, hostName: host }) : undefined;
  const resolvedUser = user ?? first.get("user");
  const portText = first.get("port");
  const resolvedPort = port ?? (portText === undefined ? undefined : Number(portText));
  const tokens = {
    host,
    hostName: hostName ?? host,
    ...(resolvedUser === undefined ? {} : { user: resolvedUser }),
    ...(resolvedPort === undefined ? {} : { port: resolvedPort }),
  };
  const proxyJump = first.get("proxyjump");
  const proxyCommand = first.get("proxycommand");
  return {
    ...(hostName === undefined ? {} : { hostName }),
    ...(first.has("user") ? { user: first.get("user")! } : {}),
    ...(portText !== undefined && Number.isInteger(Number(portText)) ? { port: Number(portText) } : {}),
    identityFiles: identityFiles.map((file) => expandHome(expandTokens(file, tokens))),
    ...(first.has("identitiesonly") ? { identitiesOnly: first.get("identitiesonly")!.toLowerCase() === "yes" } : {}),
    ...(proxyJump !== undefined && proxyJump.toLowerCase() !== "none" ? { proxyJump } : {}),
    ...(proxyCommand !== undefined && proxyCommand.toLowerCase() !== "none" ? { proxyCommand } : {}),
    userKnownHostsFiles: knownHosts
      .filter((file) => file.toLowerCase() !== "none")
      .map((file) => expandHome(expandTokens(file, tokens))),
  };
}

/** True when `host` matches a Host line: any positive pattern matches and no negated one does. */
export function matchesHost(patterns: readonly string[], host: string): boolean {
  let matched = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith("!");
    const glob = negated ? pattern.slice(1) : pattern;
    if (globMatches(glob, host)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}

/** Expands OpenSSH's `%h %p %r %u %d %n %%` tokens. */
export function expandTokens(
  text: string,
  { host, hostName, user, port }: { host: string; hostName: string; user?: string; port?: number },
): string {
  return text.replace(/%([%hprudn])/g, (_, token: string) => {
    switch (token) {
      case "%":
        return "%";
      case "h":
        return hostName;
      case "n":
        return host;
      case "p":
        return String(port ?? 22);
      case "r":
        return user ?? localUser();
      case "u":
        return localUser();
      default:
        return homedir();
    }
  });
}

/** `~` and `~/…` → the home directory. */
export function expandHome(path: string): string {
  if (path === "~") return homedir();
  return path.startsWith("~/") ? join(homedir(), path.slice(2)) : path;
}

/** The config files read by default (OpenSSH's user file, then the system one). */
export function defaultSshConfigFiles(): string[] {
  return [join(homedir(), ".ssh", "config"), "/etc/ssh/ssh_config"];
}

function globMatches(glob: string, text: string): boolean {
  const source = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${source}$`, "i").test(text);
}

function splitWords(text: string): string[] {
  return (text.match(/"[^"]*"|\S+/g) ?? []).map(unquote);
}

function unquote(text: string): string {
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
}

function localUser(): string {
  try {
    return userInfo().username;
  } catch {
    return "root";
  }
}
