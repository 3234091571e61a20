/**
 * @module
 * `dhow app …` (Kamal's `cli/app.rb`): boot, start, stop, details, exec, containers, stale_containers, images,
 * logs, remove, live, maintenance, version, and the hidden removal steps.
 */
import { interactive, logsOptions, logsSettings, raw, reuse } from "../common-options.js";
import { type CommandDef, defineCommand } from "../define-command.js";
import { exitOnStatus } from "../interactive-exit-error.js";

/** The commands of `dhow app`, in Kamal's `--help` order. */
export const APP_COMMANDS: readonly CommandDef[] = [
  defineCommand({
    name: "boot",
    description: "Boot app on servers (or reboot app if already running)",
    run: async ({ withContext }) => {
      const { appBoot } = await import("../../flows/app/boot.js");
      await withContext(appBoot);
    },
  }),
  defineCommand({
    name: "start",
    description: "Start existing app container on servers",
    run: async ({ withContext }) => {
      const { appStart } = await import("../../flows/app/start.js");
      await withContext(appStart);
    },
  }),
  defineCommand({
    name: "stop",
    description: "Stop app container on servers",
    run: async ({ withContext }) => {
      const { appStop } = await import("../../flows/app/stop.js");
      await withContext(appStop);
    },
  }),
  defineCommand({
    name: "details",
    description: "Show details about app containers",
    run: async ({ withContext }) => {
      const { appDetails } = await import("../../flows/app/details.js");
      await withContext(appDetails);
    },
  }),
  defineCommand({
    name: "exec",
    description: "Execute a custom command on servers within the app container (use --help to show options)",
    args: ["<cmd...>"],
    options: [
      interactive,
      reuse,
      {
        flags: "-e, --env <key:value>",
        description: "Set environment variables for the command (repeatable)",
        type: "hash",
      },
      { flags: "--detach", description: "Execute command in a detached container", default: false },
      raw,
    ],
    run: async ({ args: [words], options, withContext }) => {
      const { appExec } = await import("../../flows/app/exec.js");
      await withContext(async (ctx) =>
        exitOnStatus(
          await appExec(ctx, words, {
            interactive: options.interactive,
            reuse: options.reuse,
            env: options.env,
            detach: options.detach,
            raw: options.raw,
          }),
        ),
      );
    },
  }),
  defineCommand({
    name: "containers",
    description: "Show app containers on servers",
    run: async ({ withContext }) => {
      const { appContainers } = await import("../../flows/app/containers.js");
      await withContext(appContainers);
    },
  }),
  defineCommand({
    name: "stale_containers",
    description: "Detect app stale containers",
    options: [{ flags: "-s, --stop", description: "Stop the stale containers found", default: false }],
    run: async ({ options, withContext }) => {
      const { staleContainers } = await import("../../flows/app/stale-containers.js");
      await withContext((ctx) => staleContainers(ctx, { stop: options.stop }));
    },
  }),
  defineCommand({
    name: "images",
    description: "Show app images on servers",
    run: async ({ withContext }) => {
      const { appImages } = await import("../../flows/app/images.js");
      await withContext(appImages);
    },
  }),
  defineCommand({
    name: "logs",
    description: "Show log lines from app on servers (use --help to show options)",
    options: [...logsOptions, { flags: "--container-id <id>", description: "Docker container ID to fetch logs" }],
    run: async ({ options, withContext }) => {
      const { appLogs } = await import("../../flows/app/logs.js");
      await withContext(async (ctx) =>
        exitOnStatus(await appLogs(ctx, { ...logsSettings(options), containerId: options.containerId })),
      );
    },
  }),
  defineCommand({
    name: "remove",
    description: "Remove app containers and images from servers",
    run: async ({ withContext }) => {
      const { appRemove } = await import("../../flows/app/remove.js");
      await withContext(appRemove);
    },
  }),
  defineCommand({
    name: "live",
    description: "Set the app to live mode",
    run: async ({ withContext }) => {
      const { appLive } = await import("../../flows/app/live.js");
      await withContext(appLive);
    },
  }),
  defineCommand({
    name: "maintenance",
    description: "Set the app to maintenance mode",
    options: [
      {
        flags: "--drain-timeout <seconds>",
        description: "How long to allow in-flight requests to complete (defaults to drain_timeout from config)",
        type: "numeric",
      },
      { flags: "--message <message>", description: "Message to display to clients while stopped" },
    ],
    run: async ({ options, withContext }) => {
      const { appMaintenance } = await import("../../flows/app/maintenance.js");
      await withContext((ctx) => appMaintenance(ctx, { drainTimeout: options.drainTimeout, message: options.message }));
    },
  }),
  defineCommand({
    name: "remove_container",
    description: "Remove app container with given version from servers",
    args: ["<version>"],
    hidden: true,
    run: async ({ args: [version], withContext }) => {
      const { removeAppContainer } = await import("../../flows/app/remove-container.js");
      await withContext((ctx) => removeAppContainer(ctx, version));
    },
  }),
  defineCommand({
    name: "remove_containers",
    description: "Remove all app containers from servers",
    hidden: true,
    run: async ({ withContext }) => {
      const { removeAppContainers } = await import("../../flows/app/remove-containers.js");
      await withContext(removeAppContainers);
    },
  }),
  defineCommand({
    name: "remove_images",
    description: "Remove all app images from servers",
    hidden: true,
    run: async ({ withContext }) => {
      const { removeAppImages } = await import("../../flows/app/remove-images.js");
      await withContext(removeAppImages);
    },
  }),
  defineCommand({
    name: "remove_app_directories",
    description: "Remove the app directories from servers",
    hidden: true,
    run: async ({ withContext }) => {
      const { removeAppDirectories } = await import("../../flows/app/remove-app-directories.js");
      await withContext(removeAppDirectories);
    },
  }),
  defineCommand({
    name: "version",
    description: "Show app version currently running on servers",
    run: async ({ withContext }) => {
      const { appVersion } = await import("../../flows/app/version.js");
      await withContext(appVersion);
    },
  }),
];
