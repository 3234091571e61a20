/**
 * @module
 * The resolved `depends_on` graph of a config (dhow only): which roles and accessories must reach which
 * condition, within which time, before a role or accessory boots.
 *
 * API (stable; the boot orchestration in flows/ is built on it):
 * - `GraphNode` `{ kind: "role" | "accessory", name }`; `nodeId(node)` gives `role:web` / `accessory:db`
 *   (use it as a Map key: nodes are plain values, two equal nodes may be different objects).
 * - `dependencyGraph(config)` builds the graph from a Config (or anything with `roles` and `accessories`
 *   carrying `name`, `dependsOn`, and for accessories `healthcheck`). Nodes: every role in config order,
 *   then every accessory in YAML order. Edges: one per `depends_on` entry, in the order written, with
 *   - `condition`: as written, else `healthy` when the dependency has a health check (an accessory with
 *     `healthcheck`; a role always has one as dhow judges it: proxy health check, Docker health check or
 *     readiness delay), else `started`;
 *   - `timeout`: seconds, the long form's `timeout` or DEFAULT_DEPENDENCY_TIMEOUT (300).
 *   It throws a plain Error on an unknown or ambiguous name (a loaded config never has one: loading rejects
 *   them as ConfigErrors, see checkDependsOn in dependency-checks.ts); it does not reject cycles
 *   (findCycle finds them; topologicalLayers throws on one).
 * - `dependenciesOf(graph, node)`: the node's direct dependencies (edges whose `dependent` is the node), in
 *   the order written. `dependentsOf(graph, node)`: the direct dependents (edges whose `dependency` is it).
 * - `topologicalLayers(graph, selection?)`: the nodes of `selection` (default: all nodes) plus everything
 *   they depend on transitively, in layers: every node's dependencies are in earlier layers, the nodes of
 *   one layer are independent of each other (bootable in parallel); layer 0 has no dependencies. Each
 *   layer keeps graph node order. Throws DependencyCycleError on a cycle.
 * - `findCycle(graph)`: the first cycle as a path that starts and ends on the same node
 *   (`[web, redis, web]`), or undefined. `formatCycle(path)` gives `web -> redis -> web`.
 */
import type { AccessoryHealthcheck } from "./sections/accessory-healthcheck.js";
import { DEFAULT_DEPENDENCY_TIMEOUT, type Dependency, type DependencyCondition } from "./sections/depends-on.js";

export { DEFAULT_DEPENDENCY_TIMEOUT, type DependencyCondition };

/** A role or an accessory. */
export type NodeKind = "role" | "accessory";

/** A node of the graph. */
export interface GraphNode {
  readonly kind: NodeKind;
  readonly name: string;
}

/** One resolved `depends_on` entry: `dependent` waits for `dependency` to reach `condition`. */
export interface GraphEdge {
  /** The role or accessory that declares the dependency. */
  readonly dependent: GraphNode;
  /** The role or accessory it waits for. */
  readonly dependency: GraphNode;
  /** The condition written, or the default (healthy when the dependency has a health check, else started). */
  readonly condition: DependencyCondition;
  /** Seconds to wait for the condition (the long form's `timeout`, else DEFAULT_DEPENDENCY_TIMEOUT). */
  readonly timeout: number;
}

/** The graph: every role and accessory, and one edge per `depends_on` entry. */
export interface DependencyGraph {
  /** Roles in config order, then accessories in YAML order. */
  readonly nodes: readonly GraphNode[];
  /** In node order, then in the order each `depends_on` lists them. */
  readonly edges: readonly GraphEdge[];
}

/** What dependencyGraph reads from a config (a Config has all of it). */
export interface GraphSource {
  readonly roles: readonly { readonly name: string; readonly dependsOn?: readonly Dependency[] }[];
  readonly accessories: readonly {
    readonly name: string;
    readonly dependsOn?: readonly Dependency[];
    readonly healthcheck?: AccessoryHealthcheck;
  }[];
}

/** Thrown by topologicalLayers on a cycle (a loaded config has none). */
export class DependencyCycleError extends Error {
  constructor(readonly cycle: readonly GraphNode[]) {
    super(`depends_on cycle: ${formatCycle(cycle)}`);
    this.name = "DependencyCycleError";
  }
}

/** `role:web`, `accessory:db`: a node's identity as a string. */
export function nodeId(node: GraphNode): string {
  return `${node.kind}:${node.name}`;
}

/** Builds the graph of `config` (see the module header for defaults and errors). */
export function dependencyGraph(config: GraphSource): DependencyGraph {
  const roleNames = new Set(config.roles.map((role) => role.name));
  const accessories = new Map(config.accessories.map((accessory) => [accessory.name, accessory]));
  const nodes: GraphNode[] = [
    ...config.roles.map((role): GraphNode => ({ kind: "role", name: role.name })),
    ...config.accessories.map((accessory): GraphNode => ({ kind: "accessory", name: accessory.name })),
  ];
  const resolve = (name: string): GraphNode => {
    const isRole = roleNames.has(name);
    const isAccessory = accessories.has(name);
    if (isRole && isAccessory) throw new Error(`depends_on: ${name} names both a role and an accessory`);
    if (isRole) return { kind: "role", name };
    if (isAccessory) return { kind: "accessory", name };
    throw new Error(`depends_on: unknown role or accessory ${name}`);
  };
  const edgesOf = (dependent: GraphNode, dependsOn: readonly Dependency[] | undefined): GraphEdge[] =>
    (dependsOn ?? []).map((entry) => {
      const dependency = resolve(entry.name);
      const hasHealthcheck = dependency.kind === "role" || accessories.get(entry.name)?.healthcheck !== undefined;
      return {
        dependent,
        dependency,
        condition: entry.condition ?? (hasHealthcheck ? "healthy" : "started"),
        timeout: entry.timeout ?? DEFAULT_DEPENDENCY_TIMEOUT,
      };
    });
  const edges = [
    ...config.roles.flatMap((role) => edgesOf({ kind: "role", name: role.name }, role.dependsOn)),
    ...config.accessories.flatMap((accessory) =>
      edgesOf({ kind: "accessory", name: accessory.name }, accessory.dependsOn),
    ),
  ];
  return { nodes, edges };
}

/** The direct dependencies of `node`, in the order its `depends_on` lists them. */
export function dependenciesOf(graph: DependencyGraph, node: GraphNode): readonly GraphEdge[] {
  const id = nodeId(node);
  return graph.edges.filter((edge) => nodeId(edge.dependent) === id);
}

/** The direct dependents of `node` (edges that wait for it), in edge order. */
export function dependentsOf(graph: DependencyGraph, node: GraphNode): readonly GraphEdge[] {
  const id = nodeId(node);
  return graph.edges.filter((edge) => nodeId(edge.dependency) === id);
}

/**
 * The selected nodes (default all) and their transitive dependencies in boot layers: each node after all
 * its dependencies, nodes of one layer independent of each other. Throws DependencyCycleError on a cycle.
 */
export function topologicalLayers(graph: DependencyGraph, selection?: readonly GraphNode[]): GraphNode[][] {
  const included = new Set<string>();
  const pending = (selection ?? graph.nodes).map(nodeId);
  while (pending.length > 0) {
    const id = pending.pop() as string;
    if (included.has(id)) continue;
    included.add(id);
    for (const edge of graph.edges) if (nodeId(edge.dependent) === id) pending.push(nodeId(edge.dependency));
  }
  const remaining = graph.nodes.filter((node) => included.has(nodeId(node)));
  const placed = new Set<string>();
  const layers: GraphNode[][] = [];
  while (remaining.length > 0) {
    const layer = remaining.filter((node) =>
      dependenciesOf(graph, node).every((edge) => placed.has(nodeId(edge.dependency))),
    );
    if (layer.length === 0) {
      throw new DependencyCycleError(findCycle(graph) ?? remaining);
    }
    for (const node of layer) {
      placed.add(nodeId(node));
      remaining.splice(remaining.indexOf(node), 1);
    }
    layers.push(layer);
  }
  return layers;
}

/**
 * The first cycle found (nodes in graph order, dependencies in the order written), as a path that starts
 * and ends on the same node (`[web, redis, web]`; a self-dependency is `[web, web]`), or undefined.
 */
export function findCycle(graph: DependencyGraph): GraphNode[] | undefined {
  const done = new Set<string>();
  const path: GraphNode[] = [];
  const onPath = new Set<string>();
  const visit = (node: GraphNode): GraphNode[] | undefined => {
    const id = nodeId(node);
    if (onPath.has(id)) {
      return [...path.slice(path.findIndex((step) => nodeId(step) === id)), node];
    }
    if (done.has(id)) return undefined;
    path.push(node);
    onPath.add(id);
    for (const edge of dependenciesOf(graph, node)) {
      const cycle = visit(edge.dependency);
      if (cycle !== undefined) return cycle;
    }
    path.pop();
    onPath.delete(id);
    done.add(id);
    return undefined;
  };
  for (const node of graph.nodes) {
    const cycle = visit(node);
    if (cycle !== undefined) return cycle;
  }
  return undefined;
}

/** `web -> redis -> web` */
export function formatCycle(path: readonly GraphNode[]): string {
  return path.map((node) => node.name).join(" -> ");
}
