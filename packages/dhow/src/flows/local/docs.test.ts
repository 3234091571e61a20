import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DhowError, EXIT_CODES, UsageError } from "../../errors.js";
import {
  DOCS_CONFIG_DIR,
  dhowPackageRoot,
  docSummary,
  docsIndex,
  findDhowPackageRoot,
  listDocSections,
  readDocSection,
} from "./docs.js";

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

describe("listDocSections", () => {
  it("lists Kamal's fourteen sections, sorted", () => {
    expect(listDocSections()).toEqual(SECTIONS);
  });
});

describe("readDocSection", () => {
  it("returns the stored file of a section", () => {
    const text = readDocSection("proxy");
    expect(text.startsWith("# Proxy\n#\n")).toBe(true);
    expect(text).toContain("\nproxy:\n");
    expect(text).toBe(readFileSync(join(dhowPackageRoot(), DOCS_CONFIG_DIR, "proxy.yml"), "utf8"));
  });

  it("rejects an unknown section with a UsageError that lists the known ones", () => {
    expect(() => readDocSection("healthcheck")).toThrow(UsageError);
    expect(() => readDocSection("healthcheck")).toThrow(
      `Unknown section: healthcheck (one of: ${SECTIONS.join(", ")})`,
    );
    try {
      readDocSection("healthcheck");
    } catch (error) {
      expect((error as UsageError).exitCode).toBe(EXIT_CODES.usage);
    }
  });

  it("does not read files outside the docs directory", () => {
    expect(() => readDocSection("../../package")).toThrow(UsageError);
    expect(() => readDocSection("")).toThrow(UsageError);
    expect(() => readDocSection("proxy.yml")).toThrow(UsageError);
  });
});

describe("docsIndex", () => {
  it("prints a heading, then one aligned line per section with its summary", () => {
    const lines = docsIndex().trimEnd().split("\n");
    expect(lines[0]).toBe("Configuration sections (dhow docs <section>):");
    expect(lines).toHaveLength(SECTIONS.length + 1);
    expect(lines[1]).toBe(
      "  accessory      Supporting containers beside the app: databases, caches, search engines, small admin tools.",
    );
    expect(lines).toContain("  proxy          How kamal-proxy sends HTTP(S) traffic to the app.");
    expect(lines.slice(1).map((line) => line.trim().split(/\s+/)[0])).toEqual(SECTIONS);
    for (const line of lines.slice(1)) expect(line.slice(17).length).toBeGreaterThan(10);
  });

  it("ends with a newline", () => {
    expect(docsIndex().endsWith(".\n")).toBe(true);
  });
});

describe("docSummary", () => {
  it("takes the first non-empty comment line after the title", () => {
    expect(docSummary("# Title\n#\n#   What it is for.\n# More.\n")).toBe("What it is for.");
  });

  it("stops at the end of the leading comment block", () => {
    expect(docSummary("# Title\n\n# Not a summary.\n")).toBe("");
    expect(docSummary("# Title\nkey: value\n")).toBe("");
  });
});

describe("findDhowPackageRoot", () => {
  const temps: string[] = [];
  afterEach(() => {
    for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  function tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), "dhow-docs-"));
    temps.push(dir);
    return dir;
  }

  it("finds the package from src/flows (vitest) and from dist/src/flows (after tsc -b)", () => {
    const root = dhowPackageRoot();
    expect(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).name).toBe("dhow");
    expect(findDhowPackageRoot(join(root, "src", "flows"))).toBe(root);
    expect(findDhowPackageRoot(join(root, "dist", "src", "flows"))).toBe(root);
  });

  it("walks past package.json files of other packages and invalid ones", () => {
    const top = tempDir();
    writeFileSync(join(top, "package.json"), JSON.stringify({ name: "dhow" }));
    mkdirSync(join(top, "a", "b", "c"), { recursive: true });
    writeFileSync(join(top, "a", "package.json"), "{ not json");
    writeFileSync(join(top, "a", "b", "package.json"), JSON.stringify({ name: "other" }));
    expect(findDhowPackageRoot(join(top, "a", "b", "c"))).toBe(top);
  });

  it("fails with a DhowError when there is no dhow package above", () => {
    const dir = tempDir();
    expect(() => findDhowPackageRoot(dir)).toThrow(DhowError);
    expect(() => findDhowPackageRoot(dir)).toThrow(/Cannot find the dhow package/);
  });
});
