/**
 * @module
 * What the gather step reads on a host: every read-only query a deploy's flows decide on, as the same
 * builder commands those flows would run (so a flow's `captureFact` finds its answer by the query's text).
 * A pure function of the config and the selection: the dry run prints these queries too.
 */
import * as accessoryCommands from "../../commands/accessory.js";
import * as app from "../../commands/app.js";
import type { Command } from "../../commands/command.js";
import { listNetworks } from "../../commands/docker.js";
import * as proxy from "../../commands/proxy.js";
import type { Config } from "../../config/config.js";
import { dependencyGraph } from "../../config/dependency-graph.js";
import { publishedPorts } from "../../commands/cross-host.js";
import { stateAndHealth } from "../../commands/dependency-wait.js";
import { usesDependencies } from "../accessory/uses-dependencies.js";
import type { Selection } from "./selection.js";

/** The read-only queries of a deploy of `config.version` on `host`. */
export function gatherQueries(config: Config, selection: Selection, host: string): Command[] {
  const queries: Command[] = [listNetworks()];
  if (selection.proxyHosts.includes(host)) queries.push(proxy.state({ config, host }));
  for (const role of selection.rolesOn(host)) {
    const target = { config, role, host };
    queries.push(
      app.listVersions(target),
      app.currentRunningVersion(target),
      app.containerIdForVersion(target, config.version),
    );
  }
  for (const accessory of config.accessories) {
    if (!selection.accessoryHostsOf(accessory).includes(host) || !tracksDrift(accessory)) continue;
    queries.push(accessoryCommands.configHashLabel({ config, accessory }));
  }
  for (const accessory of dependencyAccessories(config)) {
    if (accessory.hosts.includes(host)) queries.push(...dependencyFacts(accessory));
  }
  return queries;
}

/** A query's answer (stdout, stderr, exit code), as the gather step keeps it. */
export interface QueryAnswer {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** A query the gather step answers from another one's output instead of asking Docker again. */
export interface DerivedAnswer {
  /** The query that ran. */
  readonly from: Command;
  /** The query it answers too (flows ask this one with `captureFact`). */
  readonly answers: Command;
  readonly derive: (answer: QueryAnswer) => QueryAnswer;
}

/**
 * The queries answered from others on `host`: Kamal's `docker inspect kamal-proxy --format '{{.Config.Image}}' |
 * awk -F: '{print $NF}'` (the running proxy's tag) from dhow's `proxy.state`, which reads it with two facts more
 * in the same `docker inspect`. The awk pipeline prints nothing and exits 0 when there is no proxy container.
 */
export function derivedAnswers(config: Config, selection: Selection, host: string): DerivedAnswer[] {
  if (!selection.proxyHosts.includes(host)) return [];
  const target = { config, host };
  return [
    {
      from: proxy.state(target),
      answers: proxy.version(target),
      derive: (answer) => {
        const state = proxy.parseState(answer);
        return { stdout: state ? `${state.version}\n` : "", stderr: answer.stderr, exitCode: 0 };
      },
    },
  ];
}

/**
 * What the dependency walk reads of an accessory something depends on: whether it runs and is healthy
 * (flows/accessory/dependencies.ts: nothing to boot, nothing to wait for when it already is) and, when it
 * publishes a port, `docker port` (flows/app/cross-host.ts: the check of names reached from other hosts).
 */
export function dependencyFacts(accessory: Config["accessories"][number]): Command[] {
  return [
    stateAndHealth(accessory.serviceName),
    ...(accessory.port === undefined ? [] : [publishedPorts(accessory.serviceName)]),
  ];
}

/** The accessories some role or accessory depends on (`depends_on`). */
function dependencyAccessories(config: Config): Config["accessories"] {
  if (!usesDependencies(config)) return [];
  const names = new Set(
    dependencyGraph(config)
      .edges.filter((edge) => edge.dependency.kind === "accessory")
      .map((edge) => edge.dependency.name),
  );
  return config.accessories.filter((accessory) => names.has(accessory.name));
}

/** Whether the accessory carries a config hash to compare (a missing secret means: not checked). */
function tracksDrift(accessory: Config["accessories"][number]): boolean {
  try {
    return accessory.configHash() !== undefined;
  } catch {
    return false;
  }
}
