/**
 * @module
 * `dhow secrets fetch | extract | print`: the secrets functions wired to the real local runner and config.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { loadConfigFile } from "../../config/load/load-file.js";
import { localRunner } from "../../remote/local.js";
import { rubyRenderer } from "../../remote/ruby-erb.js";
import { DEFAULT_SECRETS_PATH, loadSecrets, secretsExtract, secretsFetch, secretsPrint } from "../../secrets/index.js";

/** `dhow secrets fetch`: prints the fetched secrets as JSON (shell-escaped with --inline). */
export function secretsFetchCommand(options: {
  env: NodeJS.ProcessEnv;
  cwd: string;
  adapter: string;
  secrets: readonly string[];
  account?: string;
  from?: string;
  inline: boolean;
}): string {
  return secretsFetch({ ...options, runner: localRunner });
}

/** `dhow secrets extract NAME JSON`: prints one value of a fetch result. */
export function secretsExtractCommand(options: { name: string; secrets: string; inline: boolean }): string {
  return secretsExtract({ name: options.name, json: options.secrets, inline: options.inline });
}

/** `dhow secrets print`: every loaded secret as KEY=VALUE (for debugging, as in Kamal). */
export function secretsPrintCommand(options: {
  cwd: string;
  env: NodeJS.ProcessEnv;
  configFile: string;
  destination: string | undefined;
}): string {
  const secretsPath = configuredSecretsPath(options) ?? DEFAULT_SECRETS_PATH;
  const secrets = loadSecrets({
    cwd: options.cwd,
    env: options.env,
    secretsPath,
    destination: options.destination,
    runner: localRunner,
  });
  return secretsPrint({ secrets });
}

/** `secrets_path:` from the config, when there is a config file that sets it. */
function configuredSecretsPath(options: {
  cwd: string;
  env: NodeJS.ProcessEnv;
  configFile: string;
  destination: string | undefined;
}): string | undefined {
  const file = resolve(options.cwd, options.configFile);
  if (!existsSync(file)) return undefined;
  const { raw } = loadConfigFile({
    file,
    cwd: options.cwd,
    env: options.destination ? { ...options.env, KAMAL_DESTINATION: options.destination } : options.env,
    ruby: rubyRenderer,
    ...(options.destination ? { destination: options.destination } : {}),
  });
  const path = raw["secrets_path"];
  return typeof path === "string" ? path : undefined;
}
