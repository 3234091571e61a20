/**
 * dhow's own configuration reference (`packages/dhow/docs/config/<section>.yml`, shown by `dhow docs`)
 * must document every key of Kamal 2.12's example for the same section (`packages/dhow/config-docs/`),
 * at the same nesting, and must not invent keys Kamal's configuration does not accept, except dhow's own
 * keys (`config/dhow-schema.ts`), which must all be documented and each marked as dhow only.
 *
 * Both files are compared as sets of key paths such as `proxy.healthcheck.path` or
 * `accessories.*.files[].mode`. Names the user chooses are replaced by `*` so that the examples
 * may pick different ones; see `normalizeKey`. Kamal's `...` values (a pointer to another section)
 * count as a key whose contents are documented elsewhere.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { isMap, isScalar, isSeq, parseDocument } from "yaml";
import { DHOW_ONLY_KEY_PATHS } from "./dhow-schema.js";

const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const KAMAL_DIR = join(PACKAGE_ROOT, "config-docs");
const DHOW_DIR = join(PACKAGE_ROOT, "docs", "config");

const SECTIONS = [
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
];

/** Key paths of one example file, plus the paths whose value is Kamal's `...` pointer. */
interface KeyPaths {
  readonly paths: Set<string>;
  readonly refs: Set<string>;
}

describe("dhow docs/config", () => {
  it("has one file per Kamal section, and no others", () => {
    expect(yamlNames(KAMAL_DIR)).toEqual(SECTIONS);
    expect(yamlNames(DHOW_DIR)).toEqual(SECTIONS);
  });

  describe.each(SECTIONS)("%s", (section) => {
    const text = readFileSync(join(DHOW_DIR, `${section}.yml`), "utf8");

    it("starts with a `# Title` line, a `#` line and a one-sentence summary", () => {
      const [title, blank, summary] = text.split("\n");
      expect(title).toMatch(/^# \S/);
      expect(blank).toBe("#");
      expect(summary).toMatch(/^# [A-Z].*\.$/);
      expect(summary!.length).toBeLessThanOrEqual(100);
    });

    it("is valid YAML with unique keys and real values (no `...` pointers)", () => {
      const doc = parseDocument(text);
      expect(doc.errors.map((e) => e.message)).toEqual([]);
      expect(doc.warnings.map((w) => w.message)).toEqual([]);
      expect([...collectKeyPaths(text).refs]).toEqual([]);
    });

    it("covers every key path of Kamal's example", () => {
      const kamal = collectKeyPaths(readFileSync(join(KAMAL_DIR, `${section}.yml`), "utf8"));
      const dhow = collectKeyPaths(text);
      const missing = [...kamal.paths, ...kamal.refs].filter((path) => !dhow.paths.has(path));
      expect(missing).toEqual([]);
      expect(kamal.paths.size).toBeGreaterThan(0);
    });

    it("uses only keys Kamal's configuration accepts at that place, or dhow's own", () => {
      const extra = [...collectKeyPaths(text).paths].filter(
        (path) => !KAMAL_SCHEMA.has(path) && !DHOW_SCHEMA.has(path),
      );
      expect(extra).toEqual([]);
    });
  });

  it("documents every dhow-only key", () => {
    const documented = new Set(SECTIONS.flatMap((section) => [...collectKeyPaths(readDoc(section)).paths]));
    const missing = DHOW_ONLY_KEY_PATHS.filter((path) => !path.endsWith("[]") && !documented.has(path));
    expect(missing).toEqual([]);
  });

  it("marks each dhow-only key as dhow only in the comment above it", () => {
    const topKeys = DHOW_ONLY_KEY_PATHS.filter((path) =>
      /^(release_command|private_ip|[a-z]+\.\*\.[a-z_]+)$/.test(path),
    );
    expect(topKeys).toEqual(
      expect.arrayContaining(["release_command", "private_ip", "servers.*.depends_on", "accessories.*.healthcheck"]),
    );
    const unmarked = SECTIONS.flatMap((section) =>
      commentsAbove(readDoc(section), topKeys)
        .filter(({ comment }) => !comment.includes("dhow only (Kamal rejects this key)"))
        .map(({ path }) => `${section}: ${path}`),
    );
    expect(unmarked).toEqual([]);
    expect(SECTIONS.flatMap((section) => commentsAbove(readDoc(section), topKeys)).length).toBeGreaterThanOrEqual(
      topKeys.length,
    );
  });
});

describe("collectKeyPaths (the comparison itself)", () => {
  it("collects nested keys, list items and Kamal's `...` pointers", () => {
    const kamal = collectKeyPaths(readFileSync(join(KAMAL_DIR, "accessory.yml"), "utf8"));
    expect(kamal.paths).toContain("accessories.*.files[].mode");
    expect(kamal.paths).toContain("accessories.*.hosts[]");
    expect(kamal.paths).toContain("accessories.*.options.*");
    expect(kamal.refs).toEqual(new Set(["accessories.*.registry", "accessories.*.env", "accessories.*.proxy"]));
  });

  it("unions keys from Kamal's repeated blocks (duplicate keys)", () => {
    const kamal = collectKeyPaths(readFileSync(join(KAMAL_DIR, "proxy.yml"), "utf8"));
    expect(kamal.paths).toContain("proxy.ssl");
    expect(kamal.paths).toContain("proxy.ssl.certificate_pem");
  });

  it("reads the env shorthand as `clear` and the servers list as the `web` role", () => {
    const env = collectKeyPaths("env:\n  DATABASE_HOST: db\n  tags:\n    t1:\n      USER: x\n");
    expect([...env.paths].sort()).toEqual([
      "env",
      "env.clear",
      "env.clear.*",
      "env.tags",
      "env.tags.*",
      "env.tags.*.clear",
      "env.tags.*.clear.*",
    ]);
    const servers = collectKeyPaths("servers:\n  - 1.1.1.1\n  - 1.1.1.2: [a, b]\n");
    expect([...servers.paths].sort()).toEqual([
      "servers",
      "servers.*",
      "servers.*[]",
      "servers.*[].*",
      "servers.*[].*[]",
    ]);
  });

  it("notices a key that a doc leaves out", () => {
    const text = readFileSync(join(DHOW_DIR, "proxy.yml"), "utf8").replace(/^ {4}timeout: 3\n/m, "");
    expect(collectKeyPaths(text).paths).not.toContain("proxy.healthcheck.timeout");
    expect(collectKeyPaths(text).paths).toContain("proxy.healthcheck.interval");
  });

  it("rejects keys outside Kamal's schema, including env tags below the root", () => {
    expect(KAMAL_SCHEMA).toContain("accessories.*.env.secret[]");
    expect(KAMAL_SCHEMA).toContain("servers.*.proxy.healthcheck.path");
    expect(KAMAL_SCHEMA).not.toContain("proxy.healthcheck.port");
    expect(KAMAL_SCHEMA).not.toContain("servers.*.env.tags");
    expect(KAMAL_SCHEMA).not.toContain("accessories.*.env.tags.*");
  });
});

// Private

function readDoc(section: string): string {
  return readFileSync(join(DHOW_DIR, `${section}.yml`), "utf8");
}

/** Key paths dhow accepts beyond Kamal's (`depends_on`, accessory `healthcheck`, `release_command`). */
const DHOW_SCHEMA: ReadonlySet<string> = new Set(DHOW_ONLY_KEY_PATHS);

/** The comment above each occurrence of one of `paths` (in the notation of collectKeyPaths) in a YAML text. */
function commentsAbove(text: string, paths: readonly string[]): { path: string; comment: string }[] {
  const found: { path: string; comment: string }[] = [];
  const visit = (node: unknown, path: string[]): void => {
    if (!isMap(node)) return;
    for (const pair of node.items) {
      const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
      const childPath = [...path];
      for (const segment of normalizeKey(path, key)) childPath.push(segment);
      const rendered = render(childPath);
      if (paths.includes(rendered)) {
        found.push({ path: rendered, comment: (isScalar(pair.key) ? pair.key.commentBefore : undefined) ?? "" });
      }
      visit(pair.value, childPath);
    }
  };
  visit(parseDocument(text).contents, []);
  return found;
}

/** Env keys that select the full form; any other key directly under `env` is a variable (the shorthand). */
const ENV_FORM_KEYS = new Set(["clear", "secret", "tags"]);

/**
 * A `...` pointer refers to the root key of the same name (`accessories.*.env: ...` means "as in `env`"),
 * except for a role (`servers.web: ...`), which refers to the role section rooted at this path.
 */
const ROLE_PATH = "servers.*";

/**
 * Every key path Kamal accepts: all of Kamal's examples together (each is rooted at the top of deploy.yml),
 * with each `...` pointer replaced by the section it points to. `accessories.*.env` gets the root `env`
 * paths, `servers.*` (a role) gets the role's, and so on. Kamal allows `env.tags` only in the root env, so
 * tags under a role's or an accessory's env are removed again.
 */
const KAMAL_SCHEMA: ReadonlySet<string> = buildKamalSchema();

function buildKamalSchema(): Set<string> {
  const schema = new Set<string>();
  const refs = new Set<string>();
  for (const section of SECTIONS) {
    const found = collectKeyPaths(readFileSync(join(KAMAL_DIR, `${section}.yml`), "utf8"));
    for (const path of found.paths) schema.add(path);
    for (const ref of found.refs) refs.add(ref);
  }
  for (const ref of refs) schema.add(ref);
  let size = -1;
  while (size !== schema.size) {
    size = schema.size;
    for (const ref of refs) {
      const source = ref === ROLE_PATH ? ROLE_PATH : ref.slice(ref.lastIndexOf(".") + 1);
      if (source === ref) continue;
      for (const path of [...schema]) {
        if (path.startsWith(`${source}.`) || path.startsWith(`${source}[]`))
          schema.add(ref + path.slice(source.length));
      }
    }
  }
  for (const path of schema) {
    if (/^(accessories|servers)\.\*\.env\.tags/.test(path)) schema.delete(path);
  }
  return schema;
}

/**
 * Key paths of a YAML text, read from its syntax tree so that Kamal's repeated keys (one block per
 * alternative form) all count. A list adds `[]` to the path; its map items add their keys below that.
 */
function collectKeyPaths(text: string): KeyPaths {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join("\n"));
  const result: KeyPaths = { paths: new Set(), refs: new Set() };
  walk(doc.contents, [], result);
  return result;
}

function walk(node: unknown, path: string[], result: KeyPaths): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
      let childPath = path;
      for (const segment of normalizeKey(path, key)) {
        childPath = [...childPath, segment];
        result.paths.add(render(childPath));
      }
      if (isScalar(pair.value) && pair.value.value === "...") {
        result.refs.add(render(childPath));
      } else {
        walk(pair.value, childPath, result);
      }
    }
  } else if (isSeq(node)) {
    // The list form of `servers` is the host list of the single role `web`, written `servers.*[]`.
    const listPath = render(path) === "servers" ? [...path, "*"] : path;
    if (listPath !== path) result.paths.add(render(listPath));
    const itemPath = [...listPath, "[]"];
    for (const item of node.items) {
      result.paths.add(render(itemPath));
      walk(item, itemPath, result);
    }
  }
}

/**
 * The path segment(s) for `key` below `parent`. User-chosen names become `*`: accessory, alias, role,
 * dependency and tag names, hosts in a host list and under `private_ip`, env variables, labels, docker options and build args. A variable
 * directly under `env` (the shorthand form) is the same as one under `env.clear`, so it becomes
 * `clear.*`. Hook names under `hooks_output` and everything else are kept as they are.
 */
function normalizeKey(parent: string[], key: string): string[] {
  const at = render(parent);
  if (at === "accessories" || at === "aliases" || at === "servers" || at === "builder.args") return ["*"];
  if (/(^|\.)(labels|options|depends_on)$/.test(at) || at === "private_ip") return ["*"];
  if (/^servers\.\*(\.hosts)?\[\]$/.test(at)) return ["*"];
  if (/(^|\.)env(\.tags\.\*)?$/.test(at)) return ENV_FORM_KEYS.has(key) ? [key] : ["clear", "*"];
  if (/(^|\.)env\.tags$/.test(at) || /(^|\.)env(\.tags\.\*)?\.clear$/.test(at)) return ["*"];
  return [key];
}

/** `["servers", "*", "[]"]` → `servers.*[]`. */
function render(path: readonly string[]): string {
  return path.join(".").replaceAll(".[]", "[]");
}

/** Section names of the `.yml` files in a directory, sorted. */
function yamlNames(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(".yml"))
    .map((name) => name.slice(0, -".yml".length))
    .sort();
}
