/**
 * @module
 * The top-level commands (Kamal's `cli/main.rb`): setup, deploy, redeploy, rollback, details, audit, config,
 * docs, init, remove, upgrade, version.
 */
import { audit } from "../../flows/main/audit.js";
import { deploy } from "../../flows/main/deploy.js";
import { details } from "../../flows/main/details.js";
import { docsIndex, readDocSection } from "../../flows/local/docs.js";
import { initProject } from "../../flows/local/init.js";
import { redeploy } from "../../flows/main/redeploy.js";
import { remove } from "../../flows/main/remove.js";
import { rollback } from "../../flows/main/rollback.js";
import { setup } from "../../flows/main/setup.js";
import { showConfig } from "../../flows/local/config.js";
import { upgrade } from "../../flows/main/upgrade.js";
import { DHOW_VERSION, KAMAL_COMPAT_VERSION } from "../../version.js";
import { confirmed, noCache, rollingUpgrade, skipPush } from "../common-options.js";
import { type CommandDef, defineCommand } from "../define-command.js";

/** The top-level commands, in Kamal's `--help` order. */
export const MAIN_COMMANDS: readonly CommandDef[] = [
  defineCommand({
    name: "setup",
    description: "Setup all accessories, push the env, and deploy app to servers",
    options: [skipPush, noCache],
    run: ({ options, withContext }) =>
      withContext((ctx) => setup(ctx, { skipPush: options.skipPush, noCache: !options.cache })),
  }),
  defineCommand({
    name: "deploy",
    description: "Deploy app to servers",
    options: [skipPush, noCache],
    run: ({ options, withContext }) =>
      withContext((ctx) => deploy(ctx, { skipPush: options.skipPush, noCache: !options.cache })),
  }),
  defineCommand({
    name: "redeploy",
    description:
      "Deploy app to servers without bootstrapping servers, starting kamal-proxy, pruning, and registry login",
    options: [skipPush, noCache],
    run: ({ options, withContext }) =>
      withContext((ctx) => redeploy(ctx, { skipPush: options.skipPush, noCache: !options.cache })),
  }),
  defineCommand({
    name: "rollback",
    description: "Rollback app to VERSION",
    args: ["<version>"],
    run: ({ args: [version], withContext }) => withContext((ctx) => rollback(ctx, version)),
  }),
  defineCommand({
    name: "details",
    description: "Show details about all containers",
    run: ({ withContext }) => withContext(details),
  }),
  defineCommand({
    name: "audit",
    description: "Show audit log from servers",
    run: ({ withContext }) => withContext(audit),
  }),
  defineCommand({
    name: "config",
    description: "Show combined config (secrets are never printed)",
    options: [
      { flags: "--json", description: "Print the config as JSON instead of YAML", default: false },
      {
        flags: "--extended",
        description: "Also print dhow's own resolved fields (service, image, proxy hosts, timeouts, …) after Kamal's",
        default: false,
      },
    ],
    run: ({ options, globals, io }) => {
      io.stdout(
        showConfig({
          cwd: io.cwd,
          env: io.env,
          configFile: globals.configFile,
          destination: globals.destination,
          version: globals.version,
          json: options.json,
          extended: options.extended,
        }),
      );
    },
  }),
  defineCommand({
    name: "docs",
    description: "Show Kamal configuration documentation",
    args: ["[section]"],
    run: ({ args: [section], io }) => {
      io.stdout(section === undefined ? docsIndex() : readDocSection(section));
    },
  }),
  defineCommand({
    name: "init",
    description:
      "Create config stub in config/deploy.yml, secrets stub in .kamal/secrets and sample hooks in .kamal/hooks",
    options: [
      {
        flags: "--bundle",
        description: "Add Kamal to the Gemfile and create a bin/kamal binstub (not used by dhow)",
        default: false,
      },
    ],
    run: ({ io }) => {
      for (const line of initProject({ cwd: io.cwd })) io.stdout(`${line}\n`);
    },
  }),
  defineCommand({
    name: "remove",
    description: "Remove kamal-proxy, app, accessories, and registry session from servers",
    options: [confirmed],
    run: ({ options, confirm, withContext }) =>
      withContext((ctx) => remove(ctx, { confirmed: options.confirmed, confirm })),
  }),
  defineCommand({
    name: "upgrade",
    description: "Upgrade from Kamal 1.x to 2.0",
    options: [confirmed, rollingUpgrade],
    run: ({ options, confirm, withContext }) =>
      withContext((ctx) => upgrade(ctx, { rolling: options.rolling, confirmed: options.confirmed, confirm })),
  }),
  defineCommand({
    name: "version",
    description: "Show dhow's version (and the Kamal version it is compatible with)",
    run: ({ io }) => {
      io.stdout(`${DHOW_VERSION} (compatible with Kamal ${KAMAL_COMPAT_VERSION})\n`);
    },
  }),
];
