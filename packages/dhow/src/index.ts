/**
 * @module
 * dhow as a library (`import … from "dhow"`): run the CLI in-process, load and resolve a deploy.yml as Kamal
 * does, read secrets files, and the typed errors with their exit codes. The command builders, flows and the
 * SSH executor stay internal: their seams change with the deploy engine.
 */
export { main } from "./cli/main.js";
export type { Accessory, Config, Role } from "./config/config.js";
export { createConfig } from "./config/config.js";
export type { LoadConfigOptions } from "./config/load-config.js";
export { loadConfig } from "./config/load-config.js";
export { KAMAL_NETWORK, PROXY_CONTAINER_NAME } from "./constants.js";
export * from "./errors.js";
export type { LoadSecretsOptions, Secrets } from "./secrets/index.js";
export { loadSecrets, secretsExtract, secretsFetch, secretsPrint } from "./secrets/index.js";
export { Sensitive } from "./sensitive.js";
export { DHOW_VERSION, KAMAL_COMPAT_VERSION } from "./version.js";
