/**
 * @module
 * `--adapter doppler`: the Doppler CLI, as Kamal 2.12 drives it: `doppler me --json` to check the sign-in (else
 * `doppler login -y`), then `doppler secrets get <names…> --json -p <project> -c <config>`. The project and
 * config come from `--from project/config` (or a `project/config/NAME` secret) unless DOPPLER_TOKEN is a
 * service token (`dp.st…`), which already names them. Keys are the bare secret names.
 */
import { SecretsError } from "../../errors.js";
import { rubyInspectArray, rubySplit } from "../../ruby.js";
import {
  field,
  parseCliJson,
  prefixedSecrets,
  requireCli,
  runCli,
  type SecretsAdapter,
  secretValue,
  type VaultSecrets,
} from "./adapter.js";

/** The Doppler adapter. */
export const dopplerAdapter: SecretsAdapter = {
  requiresAccount: false,
  fetch({ secrets, from }, context) {
    requireCli(context, "doppler", ["--version"], "Doppler CLI is not installed");
    if (runCli(context, "doppler", ["me", "--json"]).exitCode !== 0) {
      const login = runCli(context, "doppler", ["login", "-y"], { interactive: true });
      if (login.exitCode !== 0 || login.notFound) throw new SecretsError("Failed to login to Doppler");
    }
    const prefixed = prefixedSecrets(secrets, from);
    const names = prefixed.map((secret) => rubySplit(secret, "/").at(-1) ?? "");
    const args = ["secrets", "get", ...names, "--json"];
    if (!serviceTokenSet(context.env)) {
      const [project, config] = rubySplit(prefixed[0] ?? "", "/");
      if (project === undefined || config === undefined) {
        throw new SecretsError("Missing project or config from '--from=project/config' option");
      }
      args.push("-p", project, "-c", config);
    }
    const result = runCli(context, "doppler", args);
    if (result.exitCode !== 0 || result.notFound) {
      throw new SecretsError(`Could not read ${rubyInspectArray(prefixed)} from Doppler`);
    }
    const items = parseCliJson(result.stdout, "doppler secrets get");
    const results: VaultSecrets = new Map();
    if (typeof items === "object" && items !== null && !Array.isArray(items)) {
      for (const [name, value] of Object.entries(items)) results.set(name, secretValue(field(value, "computed")));
    }
    return results;
  },
};

function serviceTokenSet(env: NodeJS.ProcessEnv): boolean {
  return (env["DOPPLER_TOKEN"] ?? "").startsWith("dp.st");
}
