/**
 * @module
 * App container commands, one function per method of Kamal's `Commands::App` and its parts
 * (containers, execution, images, logging, proxy, assets, error pages). Each takes an `AppTarget`
 * (config, role, host). Use as a namespace: `import * as app from "./commands/app.js"`.
 */
export * from "./app/assets.js";
export * from "./app/containers.js";
export * from "./app/core.js";
export * from "./app/error-pages.js";
export * from "./app/execution.js";
export * from "./app/health-wait.js";
export * from "./app/images.js";
export * from "./app/listen-wait.js";
export * from "./app/logging.js";
export * from "./app/proxy.js";
export { ACTIVE_DOCKER_STATUSES, type AppTarget, containerName } from "./app/target.js";
