/**
 * @module
 * Kamal 2.12's annotated example configs (packages/dhow/config-docs/*.yml, MIT, from basecamp/kamal
 * `lib/kamal/configuration/docs`). Kamal validates a deploy.yml against these examples: a key missing from
 * the example for its section is unknown, and each value must have the type of the example value. dhow
 * reads the same files at runtime, so the schema is Kamal's own and cannot drift.
 *
 * The directory sits in the package root (`package-root.ts`). `config-docs/examples.json` holds the examples
 * already parsed (Kamal's YAML is slow to parse on every start: ~20 ms of `dhow config`); a test checks it
 * equals what the YAML files give, and `UPDATE_CONFIG_EXAMPLES=1 npx vitest run config-docs` rewrites it.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../errors.js";
import { dhowPackageRoot } from "../package-root.js";
import { isHash } from "../ruby.js";
import { identityMap } from "./load/template-map.js";
import { parseYaml } from "./load/yaml-parse.js";

/** The doc names `kamal docs` knows, in its order. */
export const CONFIG_DOC_NAMES = [
  "accessory",
  "alias",
  "boot",
  "builder",
  "configuration",
  "env",
  "logging",
  "output",
  "proxy",
  "registry",
  "role",
  "servers",
  "ssh",
  "sshkit",
] as const;

/** One of the doc names. */
export type ConfigDocName = (typeof CONFIG_DOC_NAMES)[number];

/** The sections that have a validation example, and where each example sits in its doc. */
export const EXAMPLE_PATHS = {
  configuration: { doc: "configuration", path: [] },
  role: { doc: "role", path: ["servers", "workers"] },
  accessory: { doc: "accessory", path: ["accessories", "mysql"] },
  alias: { doc: "alias", path: ["aliases", "uname"] },
  boot: { doc: "boot", path: ["boot"] },
  builder: { doc: "builder", path: ["builder"] },
  env: { doc: "env", path: ["env"] },
  logging: { doc: "logging", path: ["logging"] },
  output: { doc: "output", path: ["output"] },
  proxy: { doc: "proxy", path: ["proxy"] },
  registry: { doc: "registry", path: ["registry"] },
  ssh: { doc: "ssh", path: ["ssh"] },
  sshkit: { doc: "sshkit", path: ["sshkit"] },
} as const satisfies Record<string, { doc: ConfigDocName; path: readonly string[] }>;

/** A section with a validation example. */
export type ExampleName = keyof typeof EXAMPLE_PATHS;

let docsDirectory: string | undefined;
const examples = new Map<ExampleName, unknown>();

/** Absolute path of the config-docs directory. */
export function configDocsDirectory(): string {
  if (docsDirectory) return docsDirectory;
  const candidate = join(dhowPackageRoot(), "config-docs");
  if (!existsSync(join(candidate, "configuration.yml"))) {
    throw new ConfigError("Kamal's configuration docs (config-docs/*.yml) were not found next to the dhow package");
  }
  docsDirectory = candidate;
  return candidate;
}

/** The raw text of one doc (for `dhow docs <section>`). */
export function readConfigDoc(name: ConfigDocName): string {
  return readFileSync(join(configDocsDirectory(), `${name}.yml`), "utf8");
}

/**
 * The example a section is validated against, taken from its doc exactly as Kamal picks it (e.g. the
 * `workers` role of role.yml): from `examples.json` when it is there, else parsed from the YAML.
 */
export function configExample(name: ExampleName): unknown {
  if (examples.has(name)) return examples.get(name);
  const parsed = parsedExamples();
  const example = parsed && name in parsed ? parsed[name] : parseConfigExample(name);
  examples.set(name, example);
  return example;
}

/** The file with every example already parsed. */
export const EXAMPLES_FILE = "examples.json";

/** Parses one section's example from its YAML doc (what `examples.json` caches). */
export function parseConfigExample(name: ExampleName): unknown {
  const { doc, path } = EXAMPLE_PATHS[name];
  // The docs are mostly comment lines and hold no block scalars: dropping full-line comments keeps the
  // YAML identical and makes the parse cheaper.
  const text = readConfigDoc(doc)
    .split("\n")
    .map((line) => (/^\s*#/.test(line) ? "" : line))
    .join("\n");
  const { value } = parseYaml(text, { file: `config-docs/${doc}.yml`, map: identityMap(text) });
  if (!isHash(value)) throw new ConfigError(`config-docs/${doc}.yml is not a YAML hash`);
  let example: unknown = value;
  for (const key of path) example = isHash(example) ? example[key] : undefined;
  return example;
}

let cached: Record<string, unknown> | null | undefined;

function parsedExamples(): Record<string, unknown> | null {
  if (cached !== undefined) return cached;
  const file = join(configDocsDirectory(), EXAMPLES_FILE);
  cached = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>) : null;
  return cached;
}
