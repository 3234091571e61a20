/**
 * @module
 * Which hosts and roles a command acts on: `--hosts`, `--roles` (both with `*` wildcards) and `--primary`,
 * resolved the way Kamal's Commander and Specifics do.
 */
import type { Accessory, Config, Role } from "../../config/config.js";
import { UsageError } from "../../errors.js";
import { uniq } from "../../ruby.js";

/** The hosts and roles a command acts on. */
export interface Selection {
  /** Selected roles that have at least one selected host (config order). */
  readonly roles: readonly Role[];
  /** Selected hosts. */
  readonly hosts: readonly string[];
  readonly primaryHost: string | undefined;
  /** The first role on the primary host (the primary role when it is there). */
  readonly primaryRole: Role | undefined;
  readonly appHosts: readonly string[];
  readonly proxyHosts: readonly string[];
  /** Hosts of all accessories among the selected hosts. */
  readonly accessoryHosts: readonly string[];
  /** Selected roles on a host. */
  rolesOn(host: string): readonly Role[];
  /** An accessory's hosts among the selected hosts. */
  accessoryHostsOf(accessory: Accessory): readonly string[];
  /** Whether `--roles` was given (hooks export KAMAL_ROLES then). */
  readonly specificRoles: readonly Role[] | undefined;
  readonly specificHosts: readonly string[] | undefined;
}

/** `--hosts`, `--roles`, `--primary` as given (csv strings). */
export interface SelectionOptions {
  readonly hosts?: string | undefined;
  readonly roles?: string | undefined;
  readonly primary?: boolean | undefined;
}

/** Resolves the selection; `No --hosts match for …` / `No --roles match for …` when a filter matches nothing. */
export function selectTargets(config: Config, options: SelectionOptions): Selection {
  const roleFilters = csv(options.roles);
  const specificRoles = roleFilters
    ? matchFilters(roleFilters, config.roles, (role) => role.name, "--roles")
    : undefined;
  const hostFilters = csv(options.hosts);
  let specificHosts = hostFilters ? matchFilters(hostFilters, config.allHosts, (host) => host, "--hosts") : undefined;
  if (options.primary) {
    const primary = specificRoles?.[0]?.primaryHost ?? config.primaryHost;
    specificHosts = primary === undefined ? [] : [primary];
  }

  const roleHosts = specificRoles?.flatMap((role) => role.hosts);
  const baseHosts = specificHosts ?? config.allHosts;
  const hosts = roleHosts && roleHosts.length > 0 ? baseHosts.filter((host) => roleHosts.includes(host)) : baseHosts;
  const roles = (specificRoles ?? config.roles).filter((role) => role.hosts.some((host) => baseHosts.includes(host)));
  const rolesOn = (host: string) => roles.filter((role) => role.hosts.includes(host));
  const primaryHost = specificHosts?.[0] ?? specificRoles?.[0]?.primaryHost ?? config.primaryHost;
  const onPrimary = primaryHost === undefined ? [] : rolesOn(primaryHost);
  const primaryRole = onPrimary.find((role) => role.name === config.primaryRoleName) ?? onPrimary[0];
  const within = (list: readonly string[]) => uniq(list).filter((host) => hosts.includes(host));

  return {
    roles,
    hosts,
    primaryHost,
    primaryRole,
    appHosts: within(roles.flatMap((role) => role.hosts)),
    proxyHosts: within(config.proxyHosts),
    accessoryHosts: within(config.accessories.flatMap((accessory) => accessory.hosts)),
    rolesOn,
    accessoryHostsOf: (accessory) => within(accessory.hosts),
    specificRoles,
    specificHosts,
  };
}

/** Primary-role hosts first, then the rest (Kamal boots in this order). */
export function hostsPrimaryFirst(config: Config, hosts: readonly string[]): string[] {
  const primaryHosts = config.primaryRole?.hosts ?? [];
  return [
    ...hosts.filter((host) => primaryHosts.includes(host)),
    ...hosts.filter((host) => !primaryHosts.includes(host)),
  ];
}

/** Roles with the primary role first. */
export function rolesPrimaryFirst<T extends { readonly name: string; readonly primary: boolean }>(
  roles: readonly T[],
): T[] {
  return [...roles.filter((role) => role.primary), ...roles.filter((role) => !role.primary)];
}

/** File.fnmatch-style matching of `*`, `?` and `{a,b}` (Kamal's `filter_specific_items`). */
export function matchesPattern(pattern: string, value: string): boolean {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === "*") source += ".*";
    else if (char === "?") source += ".";
    else if (char === "{") {
      const end = pattern.indexOf("}", i);
      if (end === -1) source += "\\{";
      else {
        source += `(?:${pattern
          .slice(i + 1, end)
          .split(",")
          .map(escapeRegExp)
          .join("|")})`;
        i = end;
      }
    } else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`).test(value);
}

function matchFilters<T>(
  filters: readonly string[],
  items: readonly T[],
  name: (item: T) => string,
  flag: string,
): T[] {
  const matched = uniq(filters.flatMap((filter) => items.filter((item) => matchesPattern(filter, name(item)))));
  if (matched.length === 0) throw new UsageError(`No ${flag} match for ${filters.join(",")}`);
  return matched;
}

function csv(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const parts = value
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  return parts.length > 0 ? parts : undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+^${}()|[\]\\*?]/g, "\\$&");
}
