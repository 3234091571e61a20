/**
 * @module
 * Walking the `depends_on` graph (config/dependency-graph.ts) at boot time (dhow only). Every accessory that
 * a booting role or accessory depends on, directly or through other accessories, is made to run (booted
 * where its container is missing, started where it stopped, run afresh when it is a one-shot `completed`
 * dependency), then waited for on every host it runs on, also hosts outside `--hosts`, before anything that
 * depends on it boots. Each accessory is handled as soon as its own dependencies are met, so independent
 * branches run in parallel. Accessories already running are left alone. A failed or timed-out wait boots
 * nothing that depends on it and stops nothing; the other branches settle first, then the error is raised.
 *
 * One run per dhow command (kept on `ctx.state`): when `setup` boots the accessories and then the app waits
 * for them, each accessory is booted and waited for once.
 */
import * as accessoryCommands from "../../commands/accessory.js";
import { stateAndHealth } from "../../commands/dependency-wait.js";
import type { Config } from "../../config/config.js";
import {
  type DependencyGraph,
  dependenciesOf,
  dependencyGraph,
  dependentsOf,
  type GraphEdge,
  type GraphNode,
  nodeId,
  topologicalLayers,
} from "../../config/dependency-graph.js";
import { raiseFailures } from "../../remote/on-hosts.js";
import { REAL_TIMING, type Timing } from "../runtime/timing.js";
import type { DeployContext, FlowState } from "../runtime/context.js";
import { execute, on } from "../runtime/execute.js";
import { captureFact, forget } from "../runtime/gather.js";
import { dependencyFacts } from "../runtime/gather-queries.js";
import { asInterrupted } from "../runtime/execute.js";
import { type AccessoryBootOutcome, bootAccessory } from "./boot.js";
import { usesDependencies } from "./uses-dependencies.js";
import { type DependencyWaitResult, waitForDependency } from "./wait-for-dependency.js";

/** Options of the graph walk. */
export interface DependencyRunOptions {
  readonly timing?: Timing;
}

/** What a run did, for tests and reports. */
export interface DependencyRunRecord {
  /** Accessories booted (or started, or run again) on some host, in the order they were. */
  readonly booted: string[];
  /** Every wait that succeeded. */
  readonly waits: DependencyWaitResult[];
}

const runs = new WeakMap<FlowState, DependencyRun>();

/** The graph walk of this dhow command (created on first use). */
export function dependencyRun(ctx: DeployContext, options: DependencyRunOptions = {}): DependencyRun {
  let run = runs.get(ctx.state);
  if (!run) {
    run = new DependencyRun(ctx, options.timing ?? REAL_TIMING);
    runs.set(ctx.state, run);
  }
  return run;
}

/** Boots what `nodes` need and waits for it; see the module header. */
export class DependencyRun {
  readonly graph: DependencyGraph;
  readonly record: DependencyRunRecord = { booted: [], waits: [] };
  readonly #ready = new Map<string, Promise<AccessoryBootOutcome[]>>();
  readonly #met = new Map<string, Promise<void>>();
  readonly #warned = new Set<string>();

  constructor(
    private readonly ctx: DeployContext,
    private readonly timing: Timing,
  ) {
    this.graph = dependencyGraph(ctx.config);
  }

  /** Makes every accessory dependency of `nodes` (transitively) reach its condition; boots none of `nodes`. */
  async satisfy(nodes: readonly GraphNode[]): Promise<void> {
    const all = nodes.flatMap((node) => dependenciesOf(this.graph, node));
    for (const edge of all.filter((e) => e.dependent.kind === "accessory" && e.dependency.kind === "role")) {
      // Accessories boot before the app, so an accessory cannot wait for a role's new version.
      const key = `${nodeId(edge.dependent)}>${nodeId(edge.dependency)}`;
      if (this.#warned.has(key)) continue;
      this.#warned.add(key);
      this.ctx.logger.warn(
        `Not waiting for role ${edge.dependency.name} before ${edge.dependent.name}: accessories boot before the app`,
      );
    }
    const edges = all.filter(isAccessoryEdge);
    await settleAll(edges.map((edge) => this.#meet(edge)));
  }

  /** Boots the accessories `names` (each after its own dependencies are met), in dependency order. */
  async bootAccessories(names: readonly string[]): Promise<AccessoryBootOutcome[]> {
    const outcomes = names.map((name) => this.#readyAccessory(name));
    await settleAll(outcomes);
    return (await Promise.all(outcomes)).flat();
  }

  /** Whether `node` has dependencies that are accessories. */
  hasAccessoryDependencies(nodes: readonly GraphNode[]): boolean {
    return nodes.some((node) => dependenciesOf(this.graph, node).some(isAccessoryEdge));
  }

  /** The accessory runs (booted where needed), once its own dependencies are met. */
  #readyAccessory(name: string): Promise<AccessoryBootOutcome[]> {
    const id = nodeId({ kind: "accessory", name });
    let ready = this.#ready.get(id);
    if (!ready) {
      ready = (async () => {
        await this.satisfy([{ kind: "accessory", name }]);
        return this.#ensureRunning(name);
      })();
      this.#ready.set(id, ready);
    }
    return ready;
  }

  /** The edge's dependency is ready and reached the edge's condition on each of its hosts. */
  #meet(edge: GraphEdge): Promise<void> {
    const key = `${nodeId(edge.dependency)}:${edge.condition}`;
    let met = this.#met.get(key);
    if (!met) {
      met = (async () => {
        await this.#readyAccessory(edge.dependency.name);
        const accessory = this.ctx.config.accessory(edge.dependency.name);
        if (!accessory) return;
        const results = await on(this.ctx, accessory.hosts, (host) =>
          waitForDependency(this.ctx, {
            accessory,
            host,
            condition: edge.condition,
            timeoutSeconds: this.#timeoutFor(edge),
            timing: this.timing,
          }),
        );
        this.record.waits.push(...results);
      })();
      this.#met.set(key, met);
    }
    return met;
  }

  /** The longest timeout among the edges that wait for this dependency with this condition. */
  #timeoutFor(edge: GraphEdge): number {
    const same = dependentsOf(this.graph, edge.dependency).filter((other) => other.condition === edge.condition);
    return Math.max(edge.timeout, ...same.map((other) => other.timeout));
  }

  /** Whether something waits for this accessory to complete (a one-shot: no restart policy, run every time). */
  #isOneShot(name: string): boolean {
    return dependentsOf(this.graph, { kind: "accessory", name }).some((edge) => edge.condition === "completed");
  }

  /** Boots the accessory where its container is missing, starts it where it stopped (one-shot: runs it again). */
  async #ensureRunning(name: string): Promise<AccessoryBootOutcome[]> {
    const { ctx } = this;
    const accessory = ctx.config.accessory(name);
    if (!accessory) return [];
    const target = { config: ctx.config, accessory };
    const hosts = ctx.selection.accessoryHostsOf(accessory);
    // Gathered by the deploy's first script where it ran (gather-queries.ts), else read now.
    const states = await on(ctx, hosts, async (host) => ({
      host,
      state: (await captureFact(ctx, host, stateAndHealth(accessory.serviceName))).split(" ")[0] ?? "",
    }));
    // What is started, removed or booted below changes: its gathered facts are asked again.
    for (const { host, state } of states) if (state !== "running") forget(ctx, host, ...dependencyFacts(accessory));
    const oneShot = this.#isOneShot(name);
    const missing = states.filter(({ state }) => state === "").map(({ host }) => host);
    const stopped = states.filter(({ state }) => state !== "" && state !== "running").map(({ host }) => host);
    if (oneShot && stopped.length > 0) {
      ctx.logger.say(`Removing the previous run of ${name} on ${stopped.join(", ")}...`, "magenta");
      await on(ctx, stopped, (host) => execute(ctx, host, accessoryCommands.removeContainer(target)).then(() => {}));
      missing.push(...stopped);
    } else if (stopped.length > 0) {
      ctx.logger.say(`Starting ${name} on ${stopped.join(", ")} (its container is stopped)...`, "magenta");
      await on(ctx, stopped, async (host) => {
        await execute(ctx, host, accessoryCommands.start(target));
      });
      this.record.booted.push(name);
    }
    const container = accessory.serviceName;
    const outcomes: AccessoryBootOutcome[] = states
      .filter(({ host }) => !missing.includes(host))
      .map(({ host }) => ({ host, accessory: name, state: "already-exists", container }));
    if (missing.length > 0) {
      const what = oneShot ? "one-shot run" : "not running";
      ctx.logger.say(`Booting ${name} on ${missing.join(", ")} (${what})...`, "magenta");
      outcomes.push(...(await bootAccessory(ctx, name, { hosts: missing, oneShot, direct: true })));
      this.record.booted.push(name);
    }
    return outcomes;
  }
}

function isAccessoryEdge(edge: GraphEdge): boolean {
  return edge.dependency.kind === "accessory";
}

/**
 * Waits for every promise, then reports as `settle` does (one failure as is, several as MultiHostError, only
 * Ctrl-C as one InterruptedError). The promises are shared between dependents, so one failure is reported once.
 */
async function settleAll(work: readonly Promise<unknown>[]): Promise<void> {
  const settled = await Promise.allSettled(work);
  const errors = [...new Set(settled.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason] : [])))];
  try {
    raiseFailures(errors.map((error) => ({ host: hostOf(error), error })));
  } catch (error) {
    throw asInterrupted(error);
  }
}

function hostOf(error: unknown): string {
  return typeof error === "object" && error !== null && "host" in error ? String(error.host) : "dependencies";
}

/** `names` with every accessory after the accessories it depends on (YAML order without `depends_on`). */
export function inDependencyOrder(config: Config, names: readonly string[]): string[] {
  if (!usesDependencies(config)) return [...names];
  const graph = dependencyGraph(config);
  const accessoryEdges = graph.edges.filter(
    (edge) => edge.dependent.kind === "accessory" && edge.dependency.kind === "accessory",
  );
  return topologicalLayers({ nodes: graph.nodes, edges: accessoryEdges })
    .flat()
    .filter((node) => node.kind === "accessory" && names.includes(node.name))
    .map((node) => node.name);
}
