/**
 * @module
 * Names Kamal fixes on every host, shared by the config model and the command builders (a leaf: every
 * layer may use it). The Kamal version dhow reproduces is `KAMAL_COMPAT_VERSION` in `version.ts`.
 */

/** The docker network Kamal puts app, accessory and proxy containers on (`docker network create kamal`). */
export const KAMAL_NETWORK = "kamal";

/** The proxy container's name on every host. */
export const PROXY_CONTAINER_NAME = "kamal-proxy";

/**
 * dhow's private network on every host (stable names, docs/service-names.md): app containers start on it,
 * the proxy and the accessories join it, and an app container joins `kamal` with its stable name only once it
 * passed its health check. It sorts before `kamal`, so Docker keeps a container's first (this) network as its
 * default route and answers names shared by both networks with addresses on this one: leaving `kamal` later
 * does not cut a container's connections to accessories.
 */
export const DHOW_NETWORK = "dhow";
