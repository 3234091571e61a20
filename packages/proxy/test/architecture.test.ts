/**
 * dhow-proxy's layers, checked on the source (kamal-proxy's rule: `server` never imports `cmd`):
 * cli → cluster → control → server → {tls, dns, metrics, pages, log}. Files at src/ root (defaults, duration, errors, version)
 * are shared by all. No module import cycles anywhere, type-only imports included.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const src = join(packageRoot, "src");

/** Which layers each layer may import. */
const ALLOWED: Record<string, readonly string[]> = {
  cli: ["cli", "cluster", "control", "server", "log"],
  cluster: ["cluster", "control", "server", "tls", "dns", "metrics", "log"],
  control: ["control", "server", "log"],
  server: ["server", "tls", "dns", "metrics", "pages", "log"],
  tls: ["tls", "log"],
  dns: ["dns"],
  metrics: ["metrics"],
  pages: ["pages"],
  log: ["log"],
};

interface ImportLine {
  file: string;
  layer: string;
  target: string;
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
  const rel = relative(src, file);
  const layer = rel.includes("/") ? rel.split("/")[0]! : "";
  const lines: ImportLine[] = [];
  for (const match of text.matchAll(/(?:^|;)\s*(?:import|export)\s+(?:type\s+)?[^;]*?from\s+"([^"]+)"/gms)) {
    if (match[1]!.startsWith(".")) lines.push({ file, layer, target: resolve(dirname(file), match[1]!) });
  }
  for (const match of text.matchAll(/import\(\s*"(\.[^"]+)"\s*\)/g)) {
    lines.push({ file, layer, target: resolve(dirname(file), match[1]!) });
  }
  return lines;
}

const files = sourceFiles(src);
const imports = files.flatMap(importsOf);
const layerOf = (absolute: string): string => {
  const rel = relative(src, absolute);
  return rel.includes("/") ? rel.split("/")[0]! : "";
};

describe("architecture", () => {
  it("every directory under src/ is a known layer", () => {
    const layers = new Set(files.map(layerOf).filter((layer) => layer !== ""));
    expect([...layers].filter((layer) => !(layer in ALLOWED))).toEqual([]);
  });

  it("layers import only the layers below them (server/ never imports cli/ or control/)", () => {
    const violations = imports.flatMap((line) => {
      const targetLayer = layerOf(line.target);
      if (line.layer === "" || targetLayer === "") return [];
      return ALLOWED[line.layer]!.includes(targetLayer)
        ? []
        : [`${relative(packageRoot, line.file)} imports ${relative(packageRoot, line.target)}`];
    });
    expect(violations).toEqual([]);
  });

  it("shared root modules import no layer", () => {
    const violations = imports.filter((line) => line.layer === "" && layerOf(line.target) !== "");
    expect(violations.map((line) => `${relative(packageRoot, line.file)} imports ${line.target}`)).toEqual([]);
  });

  it("has no import cycles", () => {
    const graph = new Map<string, string[]>();
    for (const line of imports) {
      const target = line.target.replace(/\.js$/, ".ts");
      graph.set(line.file, [...(graph.get(line.file) ?? []), target]);
    }
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const stack: string[] = [];
    const visit = (file: string) => {
      state.set(file, "open");
      stack.push(file);
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === "open") {
          cycles.push(
            [...stack.slice(stack.indexOf(next)), next].map((path) => relative(packageRoot, path)).join(" -> "),
          );
        } else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(file, "done");
    };
    for (const file of files) if (!state.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });

  it("the client commands load none of the server: only `run` imports it, when it runs", () => {
    // Kamal runs `kamal-proxy deploy`, `list`, … through `docker exec` on every deploy: each loads the CLI only.
    const runtimeImports = (file: string): string[] =>
      [...readFileSync(file, "utf8").matchAll(/(?:^|;)\s*(?:import|export)\s+(?!type\s)[^;]*?from\s+"([^"]+)"/gms)].map(
        (match) => (match[1]!.startsWith(".") ? resolve(dirname(file), match[1]!).replace(/\.js$/, ".ts") : match[1]!),
      );
    const reached = new Set<string>();
    const queue = [join(packageRoot, "bin", "dhow-proxy.ts")];
    for (let file = queue.shift(); file; file = queue.shift()) {
      if (reached.has(file)) continue;
      reached.add(file);
      if (file.startsWith("/")) queue.push(...runtimeImports(file));
    }
    const heavy = [...reached].filter(
      (file) =>
        /^(undici|acme-client|node:http2|node:tls|node:cluster)$/.test(file) ||
        (file.startsWith(src) &&
          /^(server|cluster|tls|metrics|pages|dns)\//.test(relative(src, file)) &&
          relative(src, file) !== "server/service-options.ts"), // the flags' checks, shared with the server
    );
    expect(heavy.map((file) => (file.startsWith("/") ? relative(packageRoot, file) : file))).toEqual([]);
    expect(reached.has(join(src, "cli", "commands", "run-proxy.ts"))).toBe(false);
  });
});
