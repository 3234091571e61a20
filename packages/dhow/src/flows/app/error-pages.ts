/**
 * @module
 * Custom error pages (Kamal's `Cli::App::ErrorPages`): the `4??.html` and `5??.html` files of
 * `error_pages_path` are uploaded to `.kamal/proxy/apps-config/<svc>/error_pages/<version>/`, which
 * `kamal-proxy deploy --error-pages=…` points at. Kamal makes that directory 0700, owned by the SSH user; the proxy
 * runs as the unprivileged `kamal-proxy` user and then cannot read the pages, so dhow makes them world-readable
 * (0755 directory, 0644 pages): they are public pages, served to anyone. The pages travel inside the
 * boot's remote script (commands/write-file.ts), not as one SFTP upload each.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import * as app from "../../commands/app.js";
import { combine } from "../../commands/command.js";
import { ConfigError } from "../../errors.js";
import type { DeployContext } from "../runtime/context.js";
import type { FlowStep } from "../runtime/execute.js";
import { writeFile } from "../../commands/write-file.js";

/** Which files are error pages (Kamal's glob `{4??.html,5??.html}`). */
export const ERROR_PAGE_PATTERN = /^[45][^/]{2}\.html$/;
/** Mode of the version directory (readable by the proxy's own user). */
export const ERROR_PAGES_DIRECTORY_MODE = 0o755;
/** Mode of each page. */
export const ERROR_PAGE_FILE_MODE = 0o644;

/** The steps writing the error pages on `host` (none without `error_pages_path` or without pages in it). */
export function errorPageSteps(ctx: DeployContext, host: string): FlowStep[] {
  const { config } = ctx;
  if (!config.errorPagesPath) return [];
  const local = resolve(ctx.cwd, config.errorPagesPath);
  if (!existsSync(local)) {
    throw new ConfigError(`error_pages_path: the directory ${config.errorPagesPath} does not exist`, {
      keyPath: "error_pages_path",
    });
  }
  const pages = readdirSync(local)
    .filter((name) => ERROR_PAGE_PATTERN.test(name))
    .sort();
  if (pages.length === 0) return [];
  const target = { config, role: config.roles[0]!, host };
  const directory = `${config.proxyBoot.errorPagesDirectory}/${config.version}`;
  return [
    { command: app.createErrorPagesDirectory(target) },
    {
      command: combine([
        ["mkdir", "-p", directory],
        ["chmod", ERROR_PAGES_DIRECTORY_MODE.toString(8), directory],
      ]),
    },
    ...pages.map((page) => ({
      command: writeFile(`${directory}/${page}`, readFileSync(join(local, page)), { mode: ERROR_PAGE_FILE_MODE }),
    })),
  ];
}
