/**
 * @module
 * The document `dhow config` prints: first exactly the fields of Kamal's `Configuration#to_h` (roles,
 * hosts, primary_host, version, repository, absolute_image, service_with_version, volume_args,
 * ssh_options, sshkit, builder, accessories, logging) with the same values, absent ones left out; then
 * dhow's own fields: `service_names` (each role's stable name and each accessory's name, and the accessory
 * names that resolve across hosts), ending with `dependencies` (the resolved depends_on graph and its boot
 * layers) when the config uses depends_on or an accessory healthcheck. Secrets are never read or printed (ssh key data
 * shows as `[REDACTED]`).
 */
import { REDACTED } from "../sensitive.js";
import { usesDependencyFeatures } from "./accessory-config-hash.js";
import type { Config } from "./config.js";
import { allLinks, configuredPrivateAddress } from "./cross-host.js";
import { KAMAL_NETWORK } from "../constants.js";
import { privateIpSetting } from "./sections/private-ip.js";
import { dependenciesOf, dependencyGraph, nodeId, topologicalLayers } from "./dependency-graph.js";

/** A JSON/YAML-ready value. */
export type DescribedValue =
  | string
  | number
  | boolean
  | null
  | readonly DescribedValue[]
  | { readonly [key: string]: DescribedValue };

/** The resolved config as a plain document, in Kamal's key order followed by dhow's own keys. */
export function describeConfig(config: Config): Record<string, DescribedValue> {
  const kamal: Record<string, DescribedValue | undefined> = {
    roles: [...config.roleNames],
    hosts: [...config.allHosts],
    primary_host: config.primaryHost,
    version: config.version,
    repository: config.repository,
    absolute_image: config.absoluteImage,
    service_with_version: config.serviceWithVersion,
    volume_args: config.volumeArgs(),
    ssh_options: sshOptions(config),
    sshkit: plain(config.sshkit.raw),
    builder: plain(config.builder.raw),
    accessories: config.raw.accessories === undefined ? undefined : plain(config.raw.accessories),
    logging: config.loggingArgs(),
  };
  const dhow: Record<string, DescribedValue | undefined> = {
    service: config.service,
    image: config.image,
    destination: config.destination,
    latest_image: config.latestImage,
    primary_role: config.primaryRoleName,
    proxy_roles: [...config.proxyRoleNames],
    proxy_hosts: [...config.proxyHosts],
    proxy_images: [...new Set(config.proxyHosts.map((host) => config.proxyImage(host)))],
    boot: compact({ limit: config.boot.limit, wait: config.boot.wait, parallel_roles: config.boot.parallelRoles }),
    retain_containers: config.retainContainers,
    readiness_delay: config.readinessDelay,
    deploy_timeout: config.deployTimeout,
    drain_timeout: config.drainTimeout,
    stop_timeout: config.stopTimeout,
    hooks_path: config.hooksPath,
    secrets_path: config.secretsPath,
    service_names: describeServiceNames(config),
    dependencies: usesDependencyFeatures(config.raw) ? describeDependencies(config) : undefined,
  };
  return compact({ ...kamal, ...dhow });
}

/**
 * The names on each host's network (docs/service-names.md): roles answer on `kamal` by their stable name
 * (and their own network aliases), accessories by their container name on their network; `cross_host` lists
 * each accessory name made to resolve on a host where it does not run, with the private address when the
 * config gives it (else dhow discovers it when it boots).
 */
function describeServiceNames(config: Config): Record<string, DescribedValue> {
  const setting = privateIpSetting(config.raw);
  const crossHost = allLinks(config).map((link) =>
    compact({
      from: `${link.dependent.kind}:${link.dependent.name}`,
      host: link.host,
      name: link.name,
      via: link.via,
      accessory_host: link.target,
      address: configuredPrivateAddress(setting, link.target) ?? "discovered at boot",
    }),
  );
  return compact({
    roles: Object.fromEntries(
      config.roles.map((role) => [
        role.name,
        compact({
          name: role.containerPrefix,
          network: KAMAL_NETWORK,
          network_aliases: role.networkOptions.aliases.length === 0 ? undefined : [...role.networkOptions.aliases],
        }),
      ]),
    ),
    accessories: Object.fromEntries(
      config.accessories.map((accessory) => [
        accessory.name,
        { name: accessory.serviceName, network: accessory.network },
      ]),
    ),
    private_ip: setting.size === 0 ? undefined : Object.fromEntries(setting),
    cross_host: crossHost.length === 0 ? undefined : crossHost,
  });
}

/**
 * The depends_on graph: every role and accessory (`role:web`, `accessory:db`) with what it waits for
 * (condition and timeout in seconds resolved), its health check as dhow judges it, and the boot layers
 * (each layer after the previous one, its members in parallel).
 */
function describeDependencies(config: Config): Record<string, DescribedValue> {
  const graph = dependencyGraph(config);
  return {
    nodes: graph.nodes.map((node) => {
      const accessory = node.kind === "accessory" ? config.accessory(node.name) : undefined;
      return {
        node: nodeId(node),
        health: node.kind === "role" ? roleHealth(config, node.name) : accessory?.healthcheck ? "docker" : "none",
        depends_on: dependenciesOf(graph, node).map((edge) => ({
          node: nodeId(edge.dependency),
          condition: edge.condition,
          timeout: edge.timeout,
        })),
      };
    }),
    layers: topologicalLayers(graph).map((layer) => layer.map(nodeId)),
  };
}

/** How dhow judges a role healthy: the proxy's health check, the image's Docker health check, or the delay. */
function roleHealth(config: Config, name: string): string {
  return config.role(name)?.runningProxy
    ? "proxy"
    : `docker health check, else readiness_delay ${config.readinessDelay}s`;
}

/** Kamal's `ssh.to_h`: the net-ssh options (minus the logger) plus `log_level`. */
function sshOptions(config: Config): Record<string, DescribedValue> {
  const ssh = config.ssh;
  const proxy =
    ssh.proxy === undefined
      ? undefined
      : ssh.proxy.kind === "jump"
        ? ssh.proxy.jumpProxies
        : ssh.proxy.commandLineTemplate;
  return compact({
    user: ssh.user,
    port: ssh.port,
    proxy,
    keepalive: true,
    keepalive_interval: 30,
    keys_only: ssh.keysOnly,
    keys: ssh.keys === undefined ? undefined : [...ssh.keys],
    key_data: ssh.raw.key_data === undefined ? undefined : ssh.raw.key_data.map(() => REDACTED),
    config: ssh.config === undefined ? undefined : plain(ssh.config),
    forward_agent: ssh.forwardAgent,
    log_level: ssh.logLevel,
  });
}

function compact(object: Record<string, DescribedValue | undefined>): Record<string, DescribedValue> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Record<
    string,
    DescribedValue
  >;
}

/** A deep copy of a YAML value as plain data (undefined dropped). */
function plain(value: unknown): DescribedValue {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, item]) => item !== undefined)
        .map(([key, item]) => [key, plain(item)]),
    );
  }
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  return String(value);
}
