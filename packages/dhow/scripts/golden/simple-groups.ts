/**
 * @module
 * Golden dispatch for the command classes built from the config alone: `registry`, `lock`, `auditor`,
 * `hook`, `prune`, `server`, `docker` (Kamal's `X.new(config)`; the auditor also takes details).
 */
import * as auditor from "../../src/commands/auditor.js";
import * as docker from "../../src/commands/docker.js";
import type { Facts } from "../../src/commands/facts.js";
import * as hook from "../../src/commands/hook.js";
import * as lock from "../../src/commands/lock.js";
import * as prune from "../../src/commands/prune.js";
import * as registry from "../../src/commands/registry.js";
import * as server from "../../src/commands/server.js";
import type { Config, RegistryConfig } from "../../src/config/config.js";
import { bool, callBaseMethod, goldenFacts, record, str } from "./support.js";
import type { GoldenCall, GoldenGroup } from "./types.js";

interface ConfigInstance {
  readonly config: Config;
  readonly facts: Facts;
  readonly details: Readonly<Record<string, unknown>>;
}

function group(
  name: string,
  dispatch: (instance: ConfigInstance, call: GoldenCall) => unknown,
): GoldenGroup<ConfigInstance> {
  return {
    construct: ({ config, constructorArgs, stubs }) => ({
      config,
      facts: goldenFacts(stubs),
      details: constructorArgs,
    }),
    call: (instance, call) => {
      const result = dispatch(instance, call);
      return result === NOT_MAPPED ? callBaseMethod(name, instance.config, call) : result;
    },
  };
}

const NOT_MAPPED = Symbol("not mapped");

/** `registry_config: { from_accessory: "db" }` → that accessory's registry. */
function registryOptions(config: Config, value: unknown): { registryConfig?: RegistryConfig } {
  const from = str(record(value).from_accessory);
  if (from === undefined) return {};
  const registryConfig = config.accessory(from)?.registry;
  if (!registryConfig) throw new Error(`accessory ${from} has no registry`);
  return { registryConfig };
}

/** The `registry` group. */
export const registryGroup = group("registry", ({ config }, call) => {
  const options = registryOptions(config, call.args.registry_config);
  switch (call.method) {
    case "login":
      return registry.login(config, options);
    case "logout":
      return registry.logout(config, options);
    case "setup":
      return registry.setup(config, options);
    case "remove":
      return registry.remove(config);
    case "local?":
      return registry.isLocal(config);
    default:
      return NOT_MAPPED;
  }
});

/** The `lock` group. */
export const lockGroup = group("lock", ({ config, facts }, call) => {
  switch (call.method) {
    case "acquire":
      return lock.acquire(config, String(call.positional[0]), String(call.positional[1]), facts);
    case "release":
      return lock.release(config);
    case "status":
      return lock.status(config);
    default:
      return NOT_MAPPED;
  }
});

/** The `auditor` group. */
export const auditorGroup = group("auditor", ({ config, facts, details }, call) => {
  switch (call.method) {
    case "record":
      return auditor.record(config, String(call.positional[0]), { details, lineDetails: call.args, facts });
    case "reveal":
      return auditor.reveal(config);
    default:
      return NOT_MAPPED;
  }
});

/** The `hook` group. */
export const hookGroup = group("hook", ({ config, facts }, call) => {
  const { secrets, ...details } = call.args;
  switch (call.method) {
    case "run":
      return hook.run(config, String(call.positional[0]));
    case "env":
      return hook.env(config, { secrets: bool(secrets) ?? false, details, facts });
    default:
      return NOT_MAPPED;
  }
});

/** The `prune` group. */
export const pruneGroup = group("prune", ({ config }, call) => {
  switch (call.method) {
    case "dangling_images":
      return prune.danglingImages(config);
    case "tagged_images":
      return prune.taggedImages(config);
    case "app_containers":
      return prune.appContainers(config, { retain: Number(call.args.retain) });
    default:
      return NOT_MAPPED;
  }
});

/** The `server` group. */
export const serverGroup = group("server", ({ config }, call) => {
  switch (call.method) {
    case "ensure_run_directory":
      return server.ensureRunDirectory(config);
    case "ensure_app_directory":
      return server.ensureAppDirectory(config);
    case "remove_app_directory":
      return server.removeAppDirectory(config);
    case "app_directory_count":
      return server.appDirectoryCount(config);
    default:
      return NOT_MAPPED;
  }
});

/** The `docker` group. */
export const dockerGroup = group("docker", (_instance, call) => {
  switch (call.method) {
    case "install":
      return docker.install();
    case "installed?":
      return docker.installed();
    case "running?":
      return docker.running();
    case "superuser?":
      return docker.superuser();
    case "root?":
      return docker.root();
    case "in_docker_group?":
      return docker.inDockerGroup();
    case "add_to_docker_group":
      return docker.addToDockerGroup();
    case "refresh_session":
      return docker.refreshSession();
    case "create_network":
      return docker.createNetwork();
    default:
      return NOT_MAPPED;
  }
});
