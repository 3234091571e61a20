/**
 * @module
 * The public API of `secrets/`: loading Kamal secrets files and the `secrets fetch|extract|print` commands.
 */
export type { AdapterContext, FetchRequest, SecretsAdapter, VaultSecrets } from "./adapters/adapter.js";
export { fetchFromVault } from "./adapters/adapter.js";
export { ADAPTERS, lookupAdapter } from "./adapters/lookup-adapter.js";
export type { DotenvCommand, ParseDotenvOptions } from "./parse-dotenv.js";
export { parseDotenv } from "./parse-dotenv.js";
export { INLINE_SECRETS_COMMAND, runInlineSecretsCommand } from "./run-inline-secrets-command.js";
export type { LoadSecretsOptions, Secrets } from "./secrets.js";
export { DEFAULT_SECRETS_PATH, loadedSecretValues, loadSecrets, secretsFilenames, staticSecrets } from "./secrets.js";
export type { SecretsExtractOptions } from "./secrets-extract.js";
export { secretsExtract } from "./secrets-extract.js";
export type { SecretsFetchOptions } from "./secrets-fetch.js";
export { jsonDump, secretsFetch } from "./secrets-fetch.js";
export { secretsPrint } from "./secrets-print.js";
export type { SecretsProcessOptions, SecretsProcessResult, SecretsRunner } from "./secrets-runner.js";
export { shellEscape } from "./shell-escape.js";
export { shellSplit } from "./shell-split.js";
