/**
 * @module
 * The directory of custom error pages given to kamal-proxy, per version. Kamal's `Commands::App::ErrorPages`.
 */
import { makeDirectory } from "../base.js";
import type { Command } from "../command.js";
import type { AppTarget } from "./target.js";

/** `mkdir -p .kamal/proxy/apps-config/<svc>/error_pages` */
export function createErrorPagesDirectory(target: AppTarget): Command {
  return makeDirectory(target.config.proxyBoot.errorPagesDirectory);
}

/** Removes error pages of every version but the current one. */
export function cleanUpErrorPages(target: AppTarget): Command {
  return [
    "find",
    target.config.proxyBoot.errorPagesDirectory,
    "-mindepth",
    "1",
    "-maxdepth",
    "1",
    "!",
    "-name",
    target.config.version,
    "-exec",
    "rm",
    "-rf",
    "{} +",
  ];
}
