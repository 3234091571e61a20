import { describe, expect, it } from "vitest";
import { staticSecrets } from "../secrets/secrets.js";
import { createConfig } from "./config.js";
import {
  DEFAULT_DEPENDENCY_TIMEOUT,
  DependencyCycleError,
  dependenciesOf,
  dependencyGraph,
  dependentsOf,
  findCycle,
  formatCycle,
  type GraphNode,
  type GraphSource,
  nodeId,
  topologicalLayers,
} from "./dependency-graph.js";
import type { RawConfig } from "./raw-config.js";

const role = (name: string): GraphNode => ({ kind: "role", name });
const accessory = (name: string): GraphNode => ({ kind: "accessory", name });
const names = (layers: GraphNode[][]): string[][] => layers.map((layer) => layer.map(nodeId));

function config(raw: Partial<RawConfig>) {
  return createConfig(
    { service: "app", image: "dhh/app", registry: { username: "u", password: "p" }, ...raw } as RawConfig,
    { destination: undefined, version: "abc", secrets: staticSecrets({}), cwd: "/project" },
  );
}

/** web and workers need redis (health-checked) and db (not); db needs schema to complete; cron needs web. */
const SOURCE: GraphSource = {
  roles: [
    {
      name: "web",
      dependsOn: [
        { name: "redis", condition: undefined, timeout: undefined },
        { name: "db", condition: undefined, timeout: 120 },
      ],
    },
    { name: "workers", dependsOn: [{ name: "redis", condition: "started", timeout: undefined }] },
    { name: "cron", dependsOn: [{ name: "web", condition: undefined, timeout: undefined }] },
  ],
  accessories: [
    {
      name: "redis",
      healthcheck: { kind: "cmd", cmd: "redis-cli ping", interval: 1, timeout: 1, retries: 3, startPeriod: 0 },
    },
    { name: "db", dependsOn: [{ name: "schema", condition: "completed", timeout: 60 }] },
    { name: "schema" },
  ],
};

describe("dependencyGraph", () => {
  it("has every role then every accessory as nodes, and one edge per entry with defaults resolved", () => {
    const graph = dependencyGraph(SOURCE);
    expect(graph.nodes.map(nodeId)).toEqual([
      "role:web",
      "role:workers",
      "role:cron",
      "accessory:redis",
      "accessory:db",
      "accessory:schema",
    ]);
    expect(graph.edges.map((e) => [nodeId(e.dependent), nodeId(e.dependency), e.condition, e.timeout])).toEqual([
      ["role:web", "accessory:redis", "healthy", DEFAULT_DEPENDENCY_TIMEOUT],
      ["role:web", "accessory:db", "started", 120],
      ["role:workers", "accessory:redis", "started", 300],
      ["role:cron", "role:web", "healthy", 300],
      ["accessory:db", "accessory:schema", "completed", 60],
    ]);
    expect(DEFAULT_DEPENDENCY_TIMEOUT).toBe(300);
  });

  it("builds from a loaded Config (hash-form roles, accessories with depends_on and healthcheck)", () => {
    const graph = dependencyGraph(
      config({
        servers: { web: { hosts: ["1.1.1.1"], depends_on: ["redis"] }, workers: ["1.1.1.2"] },
        accessories: {
          redis: { image: "redis:7", host: "1.1.1.3", healthcheck: { cmd: "redis-cli ping" } },
          db: { image: "postgres:16", host: "1.1.1.3", depends_on: { redis: { condition: "started", timeout: 30 } } },
        },
      } as Partial<RawConfig>),
    );
    expect(graph.nodes.map(nodeId)).toEqual(["role:web", "role:workers", "accessory:redis", "accessory:db"]);
    expect(graph.edges.map((e) => [nodeId(e.dependent), nodeId(e.dependency), e.condition, e.timeout])).toEqual([
      ["role:web", "accessory:redis", "healthy", 300],
      ["accessory:db", "accessory:redis", "started", 30],
    ]);
  });

  it("throws on an unknown or ambiguous name (loading rejects them before)", () => {
    expect(() =>
      dependencyGraph({
        roles: [{ name: "web", dependsOn: [{ name: "x", condition: undefined, timeout: undefined }] }],
        accessories: [],
      }),
    ).toThrow("depends_on: unknown role or accessory x");
    expect(() =>
      dependencyGraph({
        roles: [{ name: "db" }, { name: "web", dependsOn: [{ name: "db", condition: undefined, timeout: undefined }] }],
        accessories: [{ name: "db" }],
      }),
    ).toThrow("depends_on: db names both a role and an accessory");
  });
});

describe("dependenciesOf / dependentsOf", () => {
  const graph = dependencyGraph(SOURCE);
  it("gives the direct dependencies in the order written", () => {
    expect(dependenciesOf(graph, role("web")).map((e) => nodeId(e.dependency))).toEqual([
      "accessory:redis",
      "accessory:db",
    ]);
    expect(dependenciesOf(graph, accessory("schema"))).toEqual([]);
  });
  it("gives the direct dependents of a node, equal nodes being different objects", () => {
    expect(dependentsOf(graph, { kind: "accessory", name: "redis" }).map((e) => nodeId(e.dependent))).toEqual([
      "role:web",
      "role:workers",
    ]);
  });
});

describe("topologicalLayers", () => {
  const graph = dependencyGraph(SOURCE);
  it("puts every node after its dependencies, independent nodes in the same layer", () => {
    expect(names(topologicalLayers(graph))).toEqual([
      ["accessory:redis", "accessory:schema"],
      ["role:workers", "accessory:db"],
      ["role:web"],
      ["role:cron"],
    ]);
  });
  it("limits the layers to a selection and its transitive dependencies", () => {
    expect(names(topologicalLayers(graph, [role("web")]))).toEqual([
      ["accessory:redis", "accessory:schema"],
      ["accessory:db"],
      ["role:web"],
    ]);
    expect(names(topologicalLayers(graph, [accessory("redis"), role("workers")]))).toEqual([
      ["accessory:redis"],
      ["role:workers"],
    ]);
    expect(topologicalLayers(graph, [])).toEqual([]);
  });
  it("throws DependencyCycleError naming the cycle", () => {
    const cyclic = dependencyGraph({
      roles: [{ name: "web", dependsOn: [{ name: "redis", condition: undefined, timeout: undefined }] }],
      accessories: [{ name: "redis", dependsOn: [{ name: "web", condition: undefined, timeout: undefined }] }],
    });
    expect(() => topologicalLayers(cyclic)).toThrow(DependencyCycleError);
    expect(() => topologicalLayers(cyclic)).toThrow("depends_on cycle: web -> redis -> web");
  });
});

describe("findCycle", () => {
  it("finds none in an acyclic graph", () => {
    expect(findCycle(dependencyGraph(SOURCE))).toBeUndefined();
  });
  it("returns the cycle's path from its first node back to it", () => {
    const dep = (name: string) => [{ name, condition: undefined, timeout: undefined }];
    const graph = dependencyGraph({
      roles: [{ name: "web", dependsOn: dep("db") }],
      accessories: [
        { name: "db", dependsOn: dep("redis") },
        { name: "redis", dependsOn: dep("schema") },
        { name: "schema", dependsOn: dep("db") },
      ],
    });
    const cycle = findCycle(graph) as GraphNode[];
    expect(cycle.map(nodeId)).toEqual(["accessory:db", "accessory:redis", "accessory:schema", "accessory:db"]);
    expect(formatCycle(cycle)).toBe("db -> redis -> schema -> db");
  });
  it("reports a self-dependency as a one-step cycle", () => {
    const graph = dependencyGraph({
      roles: [{ name: "web", dependsOn: [{ name: "web", condition: undefined, timeout: undefined }] }],
      accessories: [],
    });
    expect(formatCycle(findCycle(graph) as GraphNode[])).toBe("web -> web");
  });
});
