/**
 * @module
 * Config `aliases:` — `dhow console` → `dhow app exec -i --reuse "bin/rails console"`. Read before the full
 * config load, as Kamal does, so an alias works even when the config would need secrets.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { loadConfigFile } from "../../config/load/load-file.js";
import { ConfigError } from "../../errors.js";
import { rubyRenderer } from "../../remote/ruby-erb.js";
import { splitShellWords } from "../runtime/shell-words.js";

/** Each alias name with its argv; undefined when there is no config file. */
export function readAliases({
  cwd,
  env,
  configFile,
  destination,
}: {
  cwd: string;
  env: NodeJS.ProcessEnv;
  configFile: string;
  destination: string | undefined;
}): Record<string, string[]> | undefined {
  const file = resolve(cwd, configFile);
  if (!existsSync(file)) return undefined;
  const loaded = loadConfigFile({
    file,
    cwd,
    env: destination ? { ...env, KAMAL_DESTINATION: destination } : env,
    ruby: rubyRenderer,
    ...(destination ? { destination } : {}),
  });
  const aliases = loaded.raw["aliases"];
  if (aliases === undefined || aliases === null) return {};
  if (typeof aliases !== "object" || Array.isArray(aliases)) {
    throw new ConfigError("aliases: should be a hash", { keyPath: "aliases" });
  }
  const result: Record<string, string[]> = {};
  for (const [name, command] of Object.entries(aliases)) {
    if (typeof command !== "string") {
      throw new ConfigError(`aliases/${name}: should be a string`, { keyPath: `aliases/${name}` });
    }
    result[name] = splitShellWords(command);
  }
  return result;
}
