/**
 * @module
 * The stable-name checks across sections (dhow only, docs/service-names.md), run when the config loads,
 * after Kamal's checks and the depends_on checks, for every config (the names are always on in dhow):
 *
 * 1. a role's docker `options: name:` is rejected: dhow names each version's container
 *    `<service>-<role>[-<dest>]-<version>` to find, switch, stop and prune it (use `network-alias`);
 * 2. no two of {each role's stable name `<service>-<role>[-<dest>]`, each accessory's container name
 *    (`service:` or `<service>-<name>`), the proxy's `kamal-proxy`} may be equal: on the `kamal` network one
 *    name would answer for two things;
 * 3. every `private_ip` key is a host of the config;
 * 4. an accessory that a role (or accessory) on another host reaches by name (depends_on, or its name in a
 *    clear env value) publishes its port where that host can reach it (cross-host.ts `publishProblem`),
 *    unless it runs on the host's network (`network: host`).
 *
 * Each problem is a ConfigError (exit 78) with the key path and the file and line of the YAML.
 */
import { PROXY_CONTAINER_NAME } from "../constants.js";
import { getOwn, hasOwn, isHash, type RubyHash, rubyToS } from "../ruby.js";
import { staticSecrets } from "../secrets/secrets.js";
import { createConfig } from "./config.js";
import {
  allLinks,
  type CrossHostLink,
  configuredPrivateAddress,
  parsePublishSpec,
  publishProblem,
} from "./cross-host.js";
import type { RawConfig } from "./raw-config.js";
import { privateIpSetting } from "./sections/private-ip.js";
import { roleNamesOf } from "./sections/servers.js";
import { fail, type Scope, scopeAt, within } from "./validator.js";

/** What the checks need besides the raw config. */
export interface ServiceNameCheckOptions {
  /** The `-d` destination: part of every role's stable name. */
  readonly destination?: string | undefined;
  /** Project root (accessory file paths resolve against it; nothing is read). */
  readonly cwd?: string | undefined;
}

/** A name on the `kamal` network and the key that gives it. */
export interface NamedThing {
  readonly name: string;
  /** `role web`, `accessory db`, `the proxy`. */
  readonly what: string;
  /** The key path that sets the name (`servers/web`, `accessories/db/service`). */
  readonly keyPath: readonly string[];
}

/** Throws a ConfigError for the first stable-name problem of a validated raw config. */
export function checkServiceNames(raw: RubyHash, root: Scope, options: ServiceNameCheckOptions = {}): void {
  checkRoleContainerNames(raw, root);
  checkCollisions(raw, root, options.destination);
  if (!hasOwn(raw, "private_ip") && !mayReachAccessories(raw, options.destination)) return;
  // A copy: createConfig deep-freezes what it is given, and validation must leave the caller's raw alone.
  const config = createConfig(structuredClone(raw) as RawConfig, {
    destination: options.destination,
    version: "0",
    secrets: staticSecrets({}),
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
  });
  checkPrivateIpHosts(raw, root, config.allHosts);
  checkCrossHostPorts(raw, root, allLinks(config));
}

/**
 * Whether anything may reach an accessory by name (a `depends_on`, or an accessory's name in the text of an
 * env section): only then are the roles and accessories resolved for the cross-host checks, which keeps
 * loading a config without accessories, or without such references, as cheap as before.
 */
function mayReachAccessories(raw: RubyHash, destination: string | undefined): boolean {
  if (!isHash(raw.accessories) || Object.keys(raw.accessories).length === 0) return false;
  const sections = [...Object.values(isHash(raw.servers) ? raw.servers : {}), ...Object.values(raw.accessories)].filter(
    isHash,
  );
  if (sections.some((section) => hasOwn(section, "depends_on"))) return true;
  const envText = JSON.stringify([raw.env, ...sections.map((section) => getOwn(section, "env"))]) ?? "";
  return namesOnKamalNetwork(raw, destination)
    .filter((thing) => thing.keyPath[0] === "accessories")
    .some((thing) => envText.includes(thing.name));
}

/** Every name dhow gives on the `kamal` network: roles (sorted, as Kamal lists them), accessories, the proxy. */
export function namesOnKamalNetwork(raw: RubyHash, destination: string | undefined): NamedThing[] {
  const service = rubyToS(raw.service);
  const roles = roleNamesOf(raw.servers).map(
    (role): NamedThing => ({
      name: [service, role, destination].filter((part) => part !== undefined).join("-"),
      what: `role ${role}`,
      keyPath: ["servers", role],
    }),
  );
  const accessories = Object.entries(isHash(raw.accessories) ? raw.accessories : {}).map(
    ([name, config]): NamedThing => {
      const own = isHash(config) && hasOwn(config, "service") ? config.service : undefined;
      return own === undefined || own === null
        ? { name: `${service}-${name}`, what: `accessory ${name}`, keyPath: ["accessories", name] }
        : { name: rubyToS(own), what: `accessory ${name}`, keyPath: ["accessories", name, "service"] };
    },
  );
  return [...roles, ...accessories];
}

function checkRoleContainerNames(raw: RubyHash, root: Scope): void {
  const servers = isHash(raw.servers) ? raw.servers : {};
  for (const role of roleNamesOf(raw.servers)) {
    const config = getOwn(servers, role);
    const options = isHash(config) ? getOwn(config, "options") : undefined;
    if (!isHash(options) || !hasOwn(options, "name")) continue;
    const scope = within(within(scopeAt(root, `servers/${role}`, ["servers", role]), "options"), "name");
    fail(
      scope,
      "a role cannot name its containers: dhow names each version's container <service>-<role>[-<destination>]-<version> " +
        `to find, switch, stop and prune it (a fixed name also breaks the next deploy). To reach the role by another name, use network-alias: ${rubyToS(options.name)}`,
    );
  }
}

function checkCollisions(raw: RubyHash, root: Scope, destination: string | undefined): void {
  const seen = new Map<string, NamedThing>([
    [PROXY_CONTAINER_NAME, { name: PROXY_CONTAINER_NAME, what: "the proxy's container", keyPath: ["proxy"] }],
  ]);
  for (const thing of namesOnKamalNetwork(raw, destination)) {
    const earlier = seen.get(thing.name);
    if (earlier !== undefined) {
      const where = earlier.keyPath[0] === "proxy" ? "" : ` (${earlier.keyPath.join("/")})`;
      const fix =
        thing.keyPath[0] === "accessories"
          ? `rename one of them, or give the accessory another container name with accessories/${thing.keyPath[1]}/service`
          : "rename one of them";
      fail(
        scopeAt(root, thing.keyPath.join("/"), thing.keyPath),
        `${thing.what} is named ${thing.name} on the kamal network, and so is ${earlier.what}${where}: ${fix}`,
      );
    }
    seen.set(thing.name, thing);
  }
}

function checkPrivateIpHosts(raw: RubyHash, root: Scope, hosts: readonly string[]): void {
  for (const host of privateIpSetting(raw).keys()) {
    if (hosts.includes(host)) continue;
    fail(
      scopeAt(root, `private_ip/${host}`, ["private_ip", host]),
      `${host} is not a host of this config (its hosts: ${hosts.join(", ")}); write the host as servers: or accessories: spell it`,
    );
  }
}

function checkCrossHostPorts(raw: RubyHash, root: Scope, links: readonly CrossHostLink[]): void {
  const setting = privateIpSetting(raw);
  const checked = new Set<string>();
  for (const link of links) {
    const { accessory } = link;
    // On the host's network (`network: host`) it listens on the host's own interfaces: nothing to publish.
    if (checked.has(accessory.name) || accessory.network === "host") continue;
    checked.add(accessory.name);
    const address = configuredPrivateAddress(setting, link.target);
    const problem = publishProblem(accessory.port, address);
    if (problem === undefined) continue;
    const rawPort = isHash(raw.accessories)
      ? getOwn(getOwn(raw.accessories, accessory.name) as RubyHash, "port")
      : undefined;
    const keyPath = rawPort === undefined ? ["accessories", accessory.name] : ["accessories", accessory.name, "port"];
    const port =
      accessory.port === undefined ? (link.portInEnv ?? "<port>") : parsePublishSpec(accessory.port).containerPort;
    const at = address === undefined ? `the private address of ${link.target}` : address;
    fail(
      scopeAt(root, keyPath.join("/"), keyPath),
      `${link.dependent.kind} ${link.dependent.name} on ${link.host} reaches ${link.name} (${link.via}), but accessory ` +
        `${accessory.name} runs on ${link.target} and ${problem}; publish it on all interfaces (port: ${port}) ` +
        `or on ${at} (port: ${address ?? "<private address>"}:${port}:${port})`,
    );
  }
}
