/**
 * The layer rules of docs/architecture.md, checked on the source: `cli → flows → {commands, remote, config,
 * secrets, output}`, only remote/ starts processes or SSH, only cli/ exits, and the two packages stay apart.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(packageRoot, "src");

/** Which layers each layer may import (leaf modules at src/ root are open to all). */
const ALLOWED: Record<string, readonly string[]> = {
  cli: ["cli", "flows", "commands", "remote", "config", "secrets", "output"],
  flows: ["flows", "commands", "remote", "config", "secrets", "output"],
  commands: ["commands", "config"],
  remote: ["remote", "commands", "output"],
  config: ["config", "secrets"],
  secrets: ["secrets"],
  output: ["output"],
  // Test support (excluded from the build): may use everything, and only tests may use it.
  testing: ["testing", "cli", "flows", "commands", "remote", "config", "secrets", "output"],
};

interface ImportLine {
  file: string;
  layer: string;
  target: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") && !path.endsWith(".test.ts") ? [path] : [];
  });
}

function importsOf(file: string): ImportLine[] {
  const text = readFileSync(file, "utf8");
  const layer = relative(src, file).split("/")[0]!;
  const lines: ImportLine[] = [];
  const pattern = /^\s*(import|export)\s+(type\s+)?[^;]*?from\s+"([^"]+)"/gms;
  for (const match of text.matchAll(pattern)) {
    lines.push({ file: relative(packageRoot, file), layer, target: match[3]!, typeOnly: Boolean(match[2]) });
  }
  for (const match of text.matchAll(/import\(\s*"([^"]+)"\s*\)/g)) {
    lines.push({ file: relative(packageRoot, file), layer, target: match[1]!, typeOnly: false });
  }
  return lines;
}

const files = sourceFiles(src);
const imports = files.flatMap(importsOf);

describe("architecture", () => {
  it("layers import only the layers below them", () => {
    const violations = imports.flatMap((line) => {
      if (!line.target.startsWith(".") || !(line.layer in ALLOWED)) return [];
      const absolute = resolve(packageRoot, dirname(line.file), line.target);
      const targetLayer = relative(src, absolute).split("/")[0]!;
      if (!(targetLayer in ALLOWED)) return []; // errors.ts, sensitive.ts, version.ts
      return ALLOWED[line.layer]!.includes(targetLayer) ? [] : [`${line.file} imports ${line.target}`];
    });
    expect(violations).toEqual([]);
  });

  it("commands/ uses config only for types (builders are pure data)", () => {
    const violations = imports.filter(
      (line) => line.layer === "commands" && line.target.includes("/config/") && !line.typeOnly,
    );
    expect(violations.map((line) => `${line.file} imports ${line.target}`)).toEqual([]);
  });

  it("only remote/ touches child processes or ssh2", () => {
    const violations = imports.filter(
      (line) => /^(node:)?child_process$|^ssh2$/.test(line.target) && line.layer !== "remote",
    );
    expect(violations.map((line) => `${line.file} imports ${line.target}`)).toEqual([]);
  });

  it("only cli/ ends the process", () => {
    const offenders = files.filter(
      (file) => !relative(src, file).startsWith("cli/") && /process\.exit\s*\(/.test(readFileSync(file, "utf8")),
    );
    expect(offenders.map((file) => relative(packageRoot, file))).toEqual([]);
  });

  it("ships no test support: only tests and src/testing import src/testing, and nothing shipped imports vitest", () => {
    const violations = imports.filter((line) => {
      if (line.layer === "testing") return false;
      if (/^vitest(\/|$)/.test(line.target)) return true;
      if (!line.target.startsWith(".")) return false;
      const absolute = resolve(packageRoot, dirname(line.file), line.target);
      return relative(src, absolute).startsWith("testing/");
    });
    expect(violations.map((line) => `${line.file} imports ${line.target}`)).toEqual([]);
    const tsconfig = readFileSync(join(packageRoot, "tsconfig.json"), "utf8");
    expect(tsconfig).toContain('"src/testing"');
  });

  it("flows are grouped by command group, plus runtime/", () => {
    const flows = join(src, "flows");
    const loose = readdirSync(flows).filter((name) => !statSync(join(flows, name)).isDirectory());
    expect(loose).toEqual([]);
    const groups = readdirSync(flows).sort();
    expect(groups).toEqual(
      ["accessory", "app", "build", "local", "lock", "main", "proxy", "prune", "registry", "runtime", "server"].sort(),
    );
  });

  it("docs/architecture.md names every folder of src/ and every file at its root", () => {
    const doc = readFileSync(join(packageRoot, "../../docs/architecture.md"), "utf8");
    const folders = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? [relative(packageRoot, path), ...folders(path)] : [];
      });
    const rootFiles = readdirSync(src)
      .filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts"))
      .map((name) => `src/${name}`);
    const flowGroups = readdirSync(join(src, "flows")).map((group) => `flows/${group}`);
    const missing = [...folders(src).filter((folder) => !folder.startsWith("src/flows/")), ...rootFiles].filter(
      (path) => !doc.includes(path),
    );
    const missingGroups = flowGroups.filter((group) => !doc.includes(`${group.split("/")[1]}/`));
    expect([...missing, ...missingGroups]).toEqual([]);
  });

  it("never imports the proxy package", () => {
    const outside = imports.filter(
      (line) =>
        /^dhow-proxy(\/|$)/.test(line.target) ||
        (line.target.startsWith(".") && !resolve(packageRoot, dirname(line.file), line.target).startsWith(packageRoot)),
    );
    expect(outside.map((line) => `${line.file} imports ${line.target}`)).toEqual([]);
  });
});
