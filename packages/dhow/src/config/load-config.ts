/**
 * @module
 * Loads the resolved configuration the way `kamal` does on every command: read and merge the YAML files
 * (ERB rendered), validate them, then build the `Config` with lazily loaded secrets and a lazily resolved
 * version (`--version` > `VERSION` > git HEAD).
 *
 * @example
 * const config = loadConfig({ configFile: "config/deploy.yml", cwd, env: process.env, runner: localRunner });
 */
import { resolve } from "node:path";
import { loadSecrets } from "../secrets/secrets.js";
import type { SecretsRunner } from "../secrets/secrets-runner.js";
import { type Config, createConfig } from "./config.js";
import { loadConfigFile, type RubyRenderer } from "./load/load-file.js";
import type { RawConfig } from "./raw-config.js";
import { validateConfig } from "./validate.js";
import { type GitVersionFacts, gitVersionFacts, resolveVersion, type SyncRunner } from "./version.js";

/** What `loadConfig` needs. */
export interface LoadConfigOptions {
  /** The `-c` path (default `config/deploy.yml`), relative to cwd or absolute. */
  readonly configFile: string;
  readonly destination?: string | undefined;
  /** `--version`, if given. */
  readonly version?: string | undefined;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Runs secret `$(…)` commands, vault CLIs and git (`localRunner` from remote/local.ts). */
  readonly runner: SecretsRunner & SyncRunner;
  /** Renders ERB the built-in evaluator cannot (the system ruby); without it such files fail clearly. */
  readonly ruby?: RubyRenderer | undefined;
  /** Git facts for the version (default: queried with `runner` in `cwd`). */
  readonly git?: GitVersionFacts;
  /** Receives warnings from secrets loading. */
  readonly warn?: (message: string) => void;
}

/** Reads, validates and resolves the config. Throws ConfigError with file, key path and line. */
export function loadConfig(options: LoadConfigOptions): Config {
  const { destination, cwd, env } = options;
  const loaded = loadConfigFile({ file: options.configFile, destination, cwd, env, ruby: options.ruby });
  validateConfig(loaded.raw, { locate: loaded.locate, file: loaded.files[0] ?? options.configFile, destination, cwd });
  const raw = withoutExtensions(loaded.raw) as RawConfig;
  const secrets = loadSecrets({
    cwd,
    env,
    destination,
    runner: options.runner,
    ...(typeof raw.secrets_path === "string" ? { secretsPath: raw.secrets_path } : {}),
    ...(options.warn ? { warn: options.warn } : {}),
  });
  const git = options.git ?? gitVersionFacts(options.runner, cwd);
  return createConfig(raw, {
    destination,
    version: () =>
      resolveVersion({
        declared: options.version,
        env,
        git,
        builderContextSet: raw.builder?.context !== undefined && raw.builder?.context !== null,
        cwd: resolve(cwd),
      }),
    secrets,
    cwd,
  });
}

/** The raw config without root `x-` extension keys (YAML anchors' homes; Kamal ignores them). */
function withoutExtensions(raw: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(raw).filter(([key]) => !key.startsWith("x-")));
}
