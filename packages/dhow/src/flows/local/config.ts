/**
 * @module
 * `dhow config`: the resolved configuration as Kamal prints it (same fields and values), YAML or JSON.
 */
import { stringify } from "yaml";
import { describeConfig } from "../../config/describe.js";
import { loadConfig } from "../../config/load-config.js";
import { localRunner } from "../../remote/local.js";
import { rubyRenderer } from "../../remote/ruby-erb.js";

/** Options of `dhow config`. */
export interface ShowConfigOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly configFile: string;
  readonly destination?: string | undefined;
  readonly version?: string | undefined;
  readonly json?: boolean;
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
  const document = describeConfig(config);
  if (options.json) return `${JSON.stringify(document, null, 2)}\n`;
  return `---\n${stringify(document, { lineWidth: 0 })}`;
}
