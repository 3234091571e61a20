/**
 * @module
 * The `depends_on` checks across roles and accessories (dhow only), run when the config loads, after the
 * sections and Kamal's cross-section checks, so a bad graph fails before any SSH connection. In order:
 * every name must be a role or an accessory (not both), nothing may depend on itself, `condition:
 * completed` only applies to an accessory (a role never exits by design), and the graph must have no cycle
 * (`depends_on cycle: web -> redis -> web`). Each problem is a ConfigError with the key path of the entry
 * (`servers/web/depends_on/redis`) and the file and line where the YAML has it. A config without
 * `depends_on` passes untouched.
 */
import { getOwn, hasOwn, isHash, type RubyHash } from "../ruby.js";
import { dependencyGraph, findCycle, formatCycle, type GraphNode, type GraphSource } from "./dependency-graph.js";
import { type Dependency, resolveDependsOn } from "./sections/depends-on.js";
import { roleNamesOf } from "./sections/servers.js";
import { fail, type Scope, scopeAt, within } from "./validator.js";

/** Throws a ConfigError for the first `depends_on` problem of a validated raw config; `root` is the root scope. */
export function checkDependsOn(raw: RubyHash, root: Scope): void {
  const declarations = declarationsOf(raw, root);
  if (declarations.every((declaration) => declaration.dependsOn === undefined)) return;
  const roleNames = new Set(declarations.filter((d) => d.node.kind === "role").map((d) => d.node.name));
  const accessoryNames = new Set(declarations.filter((d) => d.node.kind === "accessory").map((d) => d.node.name));
  for (const { node, dependsOn, scope, keys } of declarations) {
    (dependsOn ?? []).forEach((dependency, index) => {
      const at = within(scope, keys[index] as string | number);
      const isRole = roleNames.has(dependency.name);
      const isAccessory = accessoryNames.has(dependency.name);
      if (!isRole && !isAccessory) {
        fail(
          at,
          `unknown role or accessory ${dependency.name} (known: ${[...roleNames, ...accessoryNames].join(", ")})`,
        );
      }
      if (isRole && isAccessory) {
        fail(at, `${dependency.name} names both a role and an accessory; rename one of them to depend on it`);
      }
      if (dependency.name === node.name && (isRole ? "role" : "accessory") === node.kind) {
        fail(at, `${node.name} cannot depend on itself (depends_on cycle: ${node.name} -> ${node.name})`);
      }
      if (dependency.condition === "completed" && isRole) {
        fail(
          within(at, "condition"),
          `completed applies only to an accessory (a one-shot container); ${dependency.name} is a role`,
        );
      }
    });
  }
  const source: GraphSource = {
    roles: declarations.filter((d) => d.node.kind === "role").map(toSource),
    accessories: declarations.filter((d) => d.node.kind === "accessory").map(toSource),
  };
  const cycle = findCycle(dependencyGraph(source));
  if (cycle !== undefined) {
    const [first, second] = cycle as [GraphNode, GraphNode];
    const declaration = declarations.find(
      (d) => d.node.kind === first.kind && d.node.name === first.name,
    ) as Declaration;
    const index = (declaration.dependsOn ?? []).findIndex((dependency) => dependency.name === second.name);
    const at = within(declaration.scope, declaration.keys[index] as string | number);
    fail(scopeAt(at, "", at.path), `depends_on cycle: ${formatCycle(cycle)}`);
  }
}

/** A role or accessory with its `depends_on`, the scope of that key and the key of each entry. */
interface Declaration {
  readonly node: GraphNode;
  readonly dependsOn: readonly Dependency[] | undefined;
  readonly scope: Scope;
  /** The key of each entry under `depends_on`: its index in the short form, its name in the long form. */
  readonly keys: readonly (string | number)[];
}

function declarationsOf(raw: RubyHash, root: Scope): Declaration[] {
  const declaration = (node: GraphNode, section: unknown, scope: Scope): Declaration => {
    const value = isHash(section) && hasOwn(section, "depends_on") ? getOwn(section, "depends_on") : undefined;
    const dependsOn = resolveDependsOn(value);
    const keys = Array.isArray(value) ? value.map((_, index) => index) : isHash(value) ? Object.keys(value) : [];
    return { node, dependsOn, scope: within(scope, "depends_on"), keys };
  };
  const servers = isHash(raw.servers) ? raw.servers : {};
  const accessories = isHash(raw.accessories) ? raw.accessories : {};
  return [
    ...roleNamesOf(raw.servers).map((name) =>
      declaration({ kind: "role", name }, getOwn(servers, name), scopeAt(root, `servers/${name}`, ["servers", name])),
    ),
    ...Object.keys(accessories).map((name) =>
      declaration(
        { kind: "accessory", name },
        getOwn(accessories, name),
        scopeAt(root, `accessories/${name}`, ["accessories", name]),
      ),
    ),
  ];
}

function toSource(declaration: Declaration) {
  return {
    name: declaration.node.name,
    ...(declaration.dependsOn === undefined ? {} : { dependsOn: declaration.dependsOn }),
  };
}
