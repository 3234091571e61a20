/**
 * @module
 * Every command's handler, by path: the server-free ones here, the deploy and operations flows from their files.
 */
import { docsIndex, readDocSection } from "../flows/docs.js";
import { initProject } from "../flows/init.js";
import { secretsExtractCommand, secretsFetchCommand, secretsPrintCommand } from "../flows/secrets-commands.js";
import { showConfig } from "../flows/show-config.js";
import { DHOW_VERSION, KAMAL_COMPAT_VERSION } from "../version.js";
import type { Handler } from "./define-commands.js";
import { DEPLOY_HANDLERS } from "./handlers-deploy.js";
import { OPS_HANDLERS } from "./handlers-ops.js";

/** Handlers by command path (`"secrets fetch"`). */
export const HANDLERS: Readonly<Record<string, Handler>> = {
  ...DEPLOY_HANDLERS,
  ...OPS_HANDLERS,
  version: ({ io }) => {
    io.stdout(`${DHOW_VERSION} (compatible with Kamal ${KAMAL_COMPAT_VERSION})\n`);
  },
  config: ({ io, globals, options }) => {
    io.stdout(
      showConfig({
        cwd: io.cwd,
        env: io.env,
        configFile: globals.configFile,
        destination: globals.destination,
        version: globals.version,
        json: options["json"] === true,
      }),
    );
  },
  docs: ({ io, args }) => {
    const section = args[0];
    io.stdout(typeof section === "string" ? readDocSection(section) : docsIndex());
  },
  init: ({ io }) => {
    for (const line of initProject({ cwd: io.cwd })) io.stdout(`${line}\n`);
  },
  "secrets fetch": ({ io, args, options }) => {
    const names = (args[0] ?? []) as readonly string[];
    io.stdout(
      secretsFetchCommand({
        env: io.env,
        cwd: io.cwd,
        adapter: String(options["adapter"]),
        secrets: names,
        inline: options["inline"] === true,
        ...(typeof options["account"] === "string" ? { account: options["account"] } : {}),
        ...(typeof options["from"] === "string" ? { from: options["from"] } : {}),
      }),
    );
  },
  "secrets extract": ({ io, args, options }) => {
    io.stdout(
      secretsExtractCommand({ name: String(args[0]), secrets: String(args[1]), inline: options["inline"] === true }),
    );
  },
  "secrets print": ({ io, globals }) => {
    io.stdout(
      secretsPrintCommand({
        cwd: io.cwd,
        env: io.env,
        configFile: globals.configFile,
        destination: globals.destination,
      }),
    );
  },
};
