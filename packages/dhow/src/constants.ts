/**
 * @module
 * Names Kamal fixes on every host, shared by the config model and the command builders (a leaf: every
 * layer may use it). The Kamal version dhow reproduces is `KAMAL_COMPAT_VERSION` in `version.ts`.
 */

/** The docker network Kamal puts app, accessory and proxy containers on (`docker network create kamal`). */
export const KAMAL_NETWORK = "kamal";

/** The proxy container's name on every host. */
export const PROXY_CONTAINER_NAME = "kamal-proxy";
