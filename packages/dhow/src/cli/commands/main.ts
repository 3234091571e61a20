/**
 * @module
 * The top-level commands (Kamal's `cli/main.rb`): setup, deploy, redeploy, rollback, details, audit, config,
 * docs, init, remove, upgrade, version.
 */
import { confirmed, noCache, rollingUpgrade, skipPush } from "../common-options.js";
import { type CommandDef, defineCommand } from "../define-command.js";
import { versionLine } from "../version-line.js";

/** dhow only: `deploy --reboot-changed-accessories`. */
const rebootChangedAccessories = {
  flags: "--reboot-changed-accessories",
  description:
    "Reboot the accessories whose config changed since they were booted (dhow; without it deploy only reports them)",
  default: false,
} as const;

/** The top-level commands, in Kamal's `--help` order. */
export const MAIN_COMMANDS: readonly CommandDef[] = [
  defineCommand({
    name: "setup",
    description: "Setup all accessories, push the env, and deploy app to servers",
    options: [skipPush, noCache],
    run: async ({ options, withContext }) => {
      const { setup } = await import("../../flows/main/setup.js");
      await withContext((ctx) => setup(ctx, { skipPush: options.skipPush, noCache: !options.cache }));
    },
  }),
  defineCommand({
    name: "deploy",
    description: "Deploy app to servers",
    options: [skipPush, noCache, rebootChangedAccessories],
    run: async ({ options, withContext }) => {
      const { deploy } = await import("../../flows/main/deploy.js");
      await withContext((ctx) =>
        deploy(ctx, {
          skipPush: options.skipPush,
          noCache: !options.cache,
          rebootChangedAccessories: options.rebootChangedAccessories,
        }),
      );
    },
  }),
  defineCommand({
    name: "redeploy",
    description:
      "Deploy app to servers without bootstrapping servers, starting kamal-proxy, pruning, and registry login",
    options: [skipPush, noCache],
    run: async ({ options, withContext }) => {
      const { redeploy } = await import("../../flows/main/redeploy.js");
      await withContext((ctx) => redeploy(ctx, { skipPush: options.skipPush, noCache: !options.cache }));
    },
  }),
  defineCommand({
    name: "rollback",
    description: "Rollback app to VERSION",
    args: ["<version>"],
    run: async ({ args: [version], withContext }) => {
      const { rollback } = await import("../../flows/main/rollback.js");
      await withContext((ctx) => rollback(ctx, version));
    },
  }),
  defineCommand({
    name: "details",
    description: "Show details about all containers",
    run: async ({ withContext }) => {
      const { details } = await import("../../flows/main/details.js");
      await withContext(details);
    },
  }),
  defineCommand({
    name: "audit",
    description: "Show audit log from servers",
    run: async ({ withContext }) => {
      const { audit } = await import("../../flows/main/audit.js");
      await withContext(audit);
    },
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
    run: async ({ options, globals, io }) => {
      const { showConfig } = await import("../../flows/local/config.js");
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
    run: async ({ args: [section], io }) => {
      const { docsIndex, readDocSection } = await import("../../flows/local/docs.js");
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
    run: async ({ io, globals }) => {
      const { initProject } = await import("../../flows/local/init.js");
      for (const line of initProject({ cwd: io.cwd, dryRun: globals.dryRun })) io.stdout(`${line}\n`);
    },
  }),
  defineCommand({
    name: "remove",
    description: "Remove kamal-proxy, app, accessories, and registry session from servers",
    options: [confirmed],
    run: async ({ options, confirm, withContext }) => {
      const { remove } = await import("../../flows/main/remove.js");
      await withContext((ctx) => remove(ctx, { confirmed: options.confirmed, confirm }));
    },
  }),
  defineCommand({
    name: "upgrade",
    description: "Upgrade from Kamal 1.x to 2.0",
    options: [confirmed, rollingUpgrade],
    run: async ({ options, confirm, withContext }) => {
      const { upgrade } = await import("../../flows/main/upgrade.js");
      await withContext((ctx) => upgrade(ctx, { rolling: options.rolling, confirmed: options.confirmed, confirm }));
    },
  }),
  defineCommand({
    name: "version",
    description: "Show dhow's version (and the Kamal version it is compatible with)",
    run: async ({ io }) => {
      io.stdout(versionLine());
    },
  }),
];
