/**
 * @module
 * `dhow config`: the resolved configuration exactly as `kamal config` prints it (Psych's YAML of Kamal's
 * `Configuration#to_h`, byte for byte); `--extended` appends dhow's own resolved fields; `--json` prints
 * Kamal's and dhow's fields as JSON.
 */
import { describeConfig } from "../../config/describe.js";
import { loadConfig } from "../../config/load-config.js";
import { RubySymbol, toPsychYaml } from "../../output/psych-yaml.js";
import { localRunner } from "../../remote/local.js";
import { rubyRenderer } from "../../remote/ruby-erb.js";
import { KAMAL_CONFIG_KEYS, kamalConfigHash, PSYCH_DUMP_OPTIONS } from "./config-document.js";

/** Options of `dhow config`. */
export interface ShowConfigOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly configFile: string;
  readonly destination?: string | undefined;
  readonly version?: string | undefined;
  readonly json?: boolean;
  /** YAML only: append dhow's own fields (service, image, proxy_hosts, timeouts, …) after Kamal's. */
  readonly extended?: boolean;
}

/** The text `dhow config` prints. Secrets are never read or printed. */
export function showConfig(options: ShowConfigOptions): string {
  const config = loadConfig({
    cwd: options.cwd,
    env: options.env,
    configFile: options.configFile,
    runner: localRunner,
    ruby: rubyRenderer,
    ...(options.destination ? { destination: options.destination } : {}),
    ...(options.version ? { version: options.version } : {}),
  });
  if (options.json) return `${JSON.stringify(describeConfig(config), null, 2)}\n`;
  const hash = kamalConfigHash(config);
  if (options.extended) {
    const kamalKeys = new Set<string>(KAMAL_CONFIG_KEYS);
    for (const [key, value] of Object.entries(describeConfig(config))) {
      if (!kamalKeys.has(key)) hash.set(new RubySymbol(key), value);
    }
  }
  return toPsychYaml(hash, PSYCH_DUMP_OPTIONS);
}
