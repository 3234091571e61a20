/**
 * @module
 * Reads config/deploy.yml (and deploy.<destination>.yml) into the raw config Kamal validates, the way
 * `Kamal::Configuration.create_from` does: set KAMAL_DESTINATION, render each file with ERB, parse it with
 * Psych semantics, and deep-merge the destination file over the base file. Nothing is validated here.
 *
 * @example
 * const loaded = loadConfigFile({ file: "config/deploy.yml", destination: "staging", cwd, env: process.env });
 * validateConfig(loaded.raw, { locate: loaded.locate, file: loaded.files[0], destination: "staging" });
 */
import { readFileSync } from "node:fs";
import { extname, resolve } from "node:path";
import { ConfigError, type SourceLocation } from "../../errors.js";
import { deepMerge, isHash, type RubyHash } from "../../ruby.js";
import { renderTemplate, type RubyRenderer } from "../erb/render.js";
import { createLocationIndex, type KeyPath, type LocationIndex } from "./location-index.js";
import { parseYaml } from "./yaml-parse.js";

export type { ErbRenderer, ErbRenderOptions, RubyRenderer } from "../erb/render.js";

/** A loaded (not yet validated) config: the merged raw hash and where each key came from. */
export interface LoadedConfigFile {
  /** Merged config; top-level keys are strings; `x-` extension keys are still present. */
  readonly raw: Record<string, unknown>;
  /** The base file and, with a destination, the destination file, as given (relative to cwd if relative). */
  readonly files: readonly string[];
  /** File, line and column of a key path's value (or key); the destination file wins where it set the key. */
  locate(keyPath: readonly (string | number)[]): SourceLocation | undefined;
}

/** What loadConfigFile needs. */
export interface LoadConfigFileOptions {
  /** The `-c` path, e.g. `config/deploy.yml` (relative to cwd, or absolute). */
  readonly file: string;
  /** The `-d` destination, if any. */
  readonly destination?: string | undefined;
  /** The project root: relative paths and Ruby-rendered templates run from here. */
  readonly cwd: string;
  /** ENV as ERB sees it (KAMAL_DESTINATION is set or removed here, as Kamal does). */
  readonly env: NodeJS.ProcessEnv;
  /** Renders templates the built-in evaluator cannot; without it such files fail with a clear error. */
  readonly ruby?: RubyRenderer | undefined;
  /** Reads a file as UTF-8 (default: the file system); tests inject files from memory. */
  readonly readFile?: ((absolutePath: string) => string) | undefined;
}

const readUtf8 = (path: string): string => readFileSync(path, "utf8");

/** Loads and merges the config files; throws ConfigError for a missing file, bad ERB or bad YAML. */
export function loadConfigFile({
  file,
  destination,
  cwd,
  env,
  ruby,
  readFile = readUtf8,
}: LoadConfigFileOptions): LoadedConfigFile {
  const erbEnv: NodeJS.ProcessEnv = { ...env };
  if (destination === undefined) delete erbEnv.KAMAL_DESTINATION;
  else erbEnv.KAMAL_DESTINATION = destination;

  const files = destination === undefined ? [file] : [file, destinationFile(file, destination)];
  let raw: RubyHash = {};
  const locations = createLocationIndex();
  for (const path of files) {
    const loaded = loadOne({ file: path, cwd, env: erbEnv, ruby, readFile });
    raw = deepMerge(raw, loaded.value);
    locations.overlay(loaded.locations);
  }
  return {
    raw,
    files,
    locate: (keyPath: KeyPath) => locations.locate(keyPath),
  };
}

/** `Pathname#sub_ext(".#{destination}.yml")`: config/deploy.yml → config/deploy.staging.yml. */
export function destinationFile(file: string, destination: string): string {
  const extension = extname(file);
  return `${extension === "" ? file : file.slice(0, -extension.length)}.${destination}.yml`;
}

function loadOne(options: {
  file: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  ruby: RubyRenderer | undefined;
  readFile: (absolutePath: string) => string;
}): { value: RubyHash; locations: LocationIndex } {
  const { file, cwd, env, ruby, readFile } = options;
  const absoluteFile = resolve(cwd, file);
  let template: string;
  try {
    template = readFile(absoluteFile);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") throw new ConfigError(`Configuration file not found in ${file}`);
    throw new ConfigError(`Cannot read configuration file ${file}: ${(error as Error).message}`, { cause: error });
  }
  const rendered = renderTemplate({ template, file, absoluteFile, env, cwd, ruby });
  const parsed = parseYaml(rendered.text, { file, map: rendered.map });
  if (!isHash(parsed.value)) {
    const what = parsed.value === false || parsed.value === null ? "is empty" : `holds ${describe(parsed.value)}`;
    throw new ConfigError(`Configuration file ${file} ${what}; it must be a YAML hash of configuration keys`, {
      location: { file },
    });
  }
  return { value: parsed.value, locations: parsed.locations };
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "a YAML list";
  return `a single value (${JSON.stringify(value)})`;
}
