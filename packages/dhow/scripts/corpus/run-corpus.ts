/**
 * @module
 * Loads and validates every YAML file of the real-world Kamal config corpus, as `dhow config` would, and
 * sorts the failures into expected ones (Kamal 1 files failing with the migration hint; files listed in
 * test/README.md as invalid for Kamal 2.12 too) and unexpected ones. Used by `npm run corpus` and by
 * test/corpus.test.ts.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { renderTemplate } from "../../src/config/erb/render.js";
import { KAMAL1_HINT_PREFIX } from "../../src/config/kamal1-hints.js";
import { loadConfigFile, type RubyRenderer } from "../../src/config/load/load-file.js";
import { validateConfig } from "../../src/config/validate.js";
import { parseYaml } from "../../src/config/load/yaml-parse.js";
import { ConfigError } from "../../src/errors.js";
import { compareWithRuby } from "./compare-with-ruby.js";
import { type ExpectedFailure, readExpectedFailures } from "./expected-failures.js";
import { type CorpusEntry, readManifest } from "./manifest.js";
import { envNamesRead, missingEnvName, placeholderValue } from "./placeholders.js";

/** The package root (packages/dhow), from scripts/corpus or dist/scripts/corpus. */
export const PACKAGE_ROOT = findPackageRoot();

/** `<repo>/../shared/corpus`, the default corpus location. */
export const DEFAULT_CORPUS_DIR = resolve(PACKAGE_ROOT, "..", "..", "..", "shared", "corpus");

/** The README whose table lists the expected failures. */
export const DEFAULT_EXPECTATIONS = join(PACKAGE_ROOT, "test", "README.md");

/** The reason recorded for Kamal 1 files that fail with the migration hint. */
export const KAMAL1_REASON = "Kamal 1 config, migration hint given";

/** How one file fared. */
export interface CorpusFileResult {
  readonly entry: CorpusEntry;
  /** `ok`, an `expected` failure, an `unexpected` failure, or `stale` (listed as failing but it loads). */
  readonly status: "ok" | "expected" | "unexpected" | "stale";
  readonly message?: string;
  /** Why the failure is expected (Kamal 1, or the README reason). */
  readonly reason?: string;
  readonly durationMs: number;
  /** With compareRuby: how dhow's parse of this file differs from Ruby's, if it does. */
  readonly rubyDifference?: string;
}

/** The whole run. */
export interface CorpusRun {
  readonly results: readonly CorpusFileResult[];
  readonly passed: number;
  readonly failed: number;
  /** Unexpected failures plus stale expectations: the run is good when this is empty. */
  readonly problems: readonly CorpusFileResult[];
}

/** Options for runCorpus. */
export interface RunCorpusOptions {
  readonly dir?: string;
  readonly expectationsFile?: string;
  readonly ruby?: RubyRenderer | undefined;
  readonly onResult?: (result: CorpusFileResult) => void;
  /** Also render and parse each file with the real Ruby and report differences (needs `ruby`). */
  readonly compareRuby?: boolean;
}

/** Loads every `*.yml` in the corpus directory. */
export function runCorpus({
  dir = DEFAULT_CORPUS_DIR,
  expectationsFile = DEFAULT_EXPECTATIONS,
  ruby,
  onResult,
  compareRuby = false,
}: RunCorpusOptions = {}): CorpusRun {
  const files = readdirSync(dir)
    .filter((file) => file.endsWith(".yml") || file.endsWith(".yaml"))
    .sort();
  const entries = readManifest(dir, files);
  const expected = readExpectedFailures(expectationsFile);
  const sandbox = createSandbox();
  const results: CorpusFileResult[] = [];
  try {
    for (const entry of entries) {
      const outcome = loadEntry(entry, dir, sandbox, ruby);
      let result = classify(entry, outcome, expected.get(entry.file));
      if (compareRuby && ruby) {
        const rubyDifference = rubyDifferenceFor(entry, dir, sandbox, ruby, outcome.env);
        if (rubyDifference !== undefined) result = { ...result, rubyDifference };
      }
      results.push(result);
      onResult?.(result);
    }
  } finally {
    rmSync(sandbox, { recursive: true, force: true });
  }
  const passed = results.filter((result) => result.status === "ok" || result.status === "stale").length;
  return {
    results,
    passed,
    failed: results.length - passed,
    problems: results.filter((result) => result.status === "unexpected" || result.status === "stale"),
  };
}

/** Renders one result as the runner prints it. */
export function formatResult(result: CorpusFileResult): string {
  const name = result.entry.destination
    ? `${result.entry.file} (with ${result.entry.base} -d ${result.entry.destination})`
    : result.entry.file;
  const difference = result.rubyDifference ? ` [differs from Ruby: ${result.rubyDifference}]` : "";
  switch (result.status) {
    case "ok":
      return `ok ${name}${difference}`;
    case "stale":
      return `STALE ${name}: loads fine but test/README.md lists it as failing (${result.reason})`;
    case "expected":
      return `error ${name}: ${result.message} [expected: ${result.reason}]${difference}`;
    case "unexpected":
      return `ERROR ${name}: ${result.message}${difference}`;
  }
}

interface LoadOutcome {
  readonly error?: string;
  readonly durationMs: number;
  readonly env: NodeJS.ProcessEnv;
}

function rubyDifferenceFor(
  entry: CorpusEntry,
  dir: string,
  sandbox: string,
  ruby: RubyRenderer,
  env: NodeJS.ProcessEnv,
): string | undefined {
  const file = join(dir, entry.file);
  const erbEnv = { ...env, ...(entry.destination ? { KAMAL_DESTINATION: entry.destination } : {}) };
  let dhowValue: unknown;
  try {
    const template = readFileSync(file, "utf8");
    const rendered = renderTemplate({ template, file, absoluteFile: file, env: erbEnv, cwd: sandbox, ruby });
    dhowValue = parseYaml(rendered.text, { file, map: rendered.map }).value;
  } catch (error) {
    const rubySays = compareWithRuby({ file, dhowValue: null, env: erbEnv, cwd: sandbox, ruby });
    return rubySays?.startsWith("ruby") || rubySays?.startsWith("Psych")
      ? undefined
      : `dhow failed (${(error as Error).message}) but Ruby loads it`;
  }
  return compareWithRuby({ file, dhowValue, env: erbEnv, cwd: sandbox, ruby });
}

/**
 * Loads one entry. A user's .env may or may not override variables that have a default in the template,
 * so two environments are tried: placeholders only for variables without a default, then for all of them.
 * The file passes if either loads; otherwise the first error is reported.
 */
function loadEntry(entry: CorpusEntry, dir: string, sandbox: string, ruby: RubyRenderer | undefined): LoadOutcome {
  const started = performance.now();
  const mainFile = join(dir, entry.base ?? entry.file);
  const sources = [mainFile, ...(entry.base ? [join(dir, entry.file)] : [])].map((file) => readFileSync(file, "utf8"));
  const path = `${join(sandbox, ".dhow-corpus-bin")}:${process.env.PATH ?? "/usr/bin:/bin"}`;
  const environment = (includeDefaulted: boolean): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { PATH: path, HOME: sandbox, LANG: "C.UTF-8" };
    for (const source of sources) {
      for (const name of envNamesRead(source, { includeDefaulted })) env[name] = placeholderValue(name);
    }
    return env;
  };
  const minimal = environment(false);
  const full = environment(true);
  const first = attemptLoad(entry, mainFile, dir, sandbox, ruby, minimal);
  if (first.error === undefined || Object.keys(full).length === Object.keys(minimal).length) {
    return { ...first, durationMs: performance.now() - started };
  }
  const second = attemptLoad(entry, mainFile, dir, sandbox, ruby, full);
  const chosen = second.error === undefined ? second : first;
  return { ...chosen, durationMs: performance.now() - started };
}

function attemptLoad(
  entry: CorpusEntry,
  mainFile: string,
  dir: string,
  sandbox: string,
  ruby: RubyRenderer | undefined,
  env: NodeJS.ProcessEnv,
): LoadOutcome {
  for (let attempt = 0; attempt < 25; attempt++) {
    try {
      const loaded = loadConfigFile({ file: mainFile, destination: entry.destination, cwd: sandbox, env, ruby });
      validateConfig(loaded.raw, {
        locate: loaded.locate,
        file: loaded.files[0],
        destination: entry.destination,
        cwd: sandbox,
      });
      return { durationMs: 0, env };
    } catch (error) {
      if (!(error instanceof ConfigError)) {
        const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
        return { error: `crash: ${text}`, durationMs: 0, env };
      }
      const missing = missingEnvName(error.message);
      if (missing !== undefined && env[missing] === undefined) {
        env[missing] = placeholderValue(missing);
        continue;
      }
      return { error: error.message.split(`${dir}/`).join("").split(`${sandbox}/`).join(""), durationMs: 0, env };
    }
  }
  return { error: "too many missing ENV variables", durationMs: 0, env };
}

function classify(entry: CorpusEntry, outcome: LoadOutcome, expected: ExpectedFailure | undefined): CorpusFileResult {
  const { error, durationMs } = outcome;
  if (error === undefined) {
    return expected
      ? { entry, status: "stale", reason: expected.reason, durationMs }
      : { entry, status: "ok", durationMs };
  }
  if (expected && error.includes(expected.errorContains)) {
    return { entry, status: "expected", message: error, reason: expected.reason, durationMs };
  }
  if (!expected && entry.kamalMajor === 1 && error.includes(KAMAL1_HINT_PREFIX)) {
    return { entry, status: "expected", message: error, reason: KAMAL1_REASON, durationMs };
  }
  const note = expected ? ` (test/README.md expects an error containing "${expected.errorContains}")` : "";
  return { entry, status: "unexpected", message: error + note, durationMs };
}

/**
 * A scratch project directory holding what a user's checkout and machine would: `.ruby-version`,
 * `.node-version`, and stand-ins for the CLIs templates call for credentials and versions
 * (`aws ecr get-login-password`, `gh auth status`, `mise current ruby`), first on PATH.
 */
function createSandbox(): string {
  const sandbox = mkdtempSync(join(tmpdir(), "dhow-corpus-"));
  writeFileSync(join(sandbox, ".ruby-version"), "3.4.1\n");
  writeFileSync(join(sandbox, ".node-version"), "22.12.0\n");
  mkdirSync(join(sandbox, ".kamal", "hooks"), { recursive: true });
  const bin = join(sandbox, ".dhow-corpus-bin");
  mkdirSync(bin);
  const stubs: Record<string, string> = {
    aws: "placeholder-aws-output",
    gh: "Logged in to github.com account placeholder-user (keyring)",
    mise: "3.4.1",
  };
  for (const [name, output] of Object.entries(stubs)) {
    writeFileSync(join(bin, name), `#!/bin/sh\necho '${output}'\n`, { mode: 0o755 });
  }
  return sandbox;
}

function findPackageRoot(): string {
  let directory = fileURLToPath(new URL(".", import.meta.url));
  for (let depth = 0; depth < 6; depth++) {
    try {
      const pkg = JSON.parse(readFileSync(join(directory, "package.json"), "utf8")) as { name?: string };
      if (pkg.name === "dhow") return directory;
    } catch {
      // keep walking up
    }
    directory = resolve(directory, "..");
  }
  throw new Error("packages/dhow/package.json not found above the corpus runner");
}
