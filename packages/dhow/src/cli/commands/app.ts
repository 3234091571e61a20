/**
 * @module
 * `dhow app …` (Kamal's `cli/app.rb`): boot, start, stop, details, exec, containers, stale_containers, images,
 * logs, remove, live, maintenance, version, and the hidden removal steps.
 */
import { appBoot } from "../../flows/app/boot.js";
import { appContainers } from "../../flows/app/containers.js";
import { appDetails } from "../../flows/app/details.js";
import { appExec } from "../../flows/app/exec.js";
import { appImages } from "../../flows/app/images.js";
import { appLive } from "../../flows/app/live.js";
import { appLogs } from "../../flows/app/logs.js";
import { appMaintenance } from "../../flows/app/maintenance.js";
import { appRemove } from "../../flows/app/remove.js";
import { removeAppContainer } from "../../flows/app/remove-container.js";
import { removeAppContainers } from "../../flows/app/remove-containers.js";
import { removeAppDirectories } from "../../flows/app/remove-app-directories.js";
import { removeAppImages } from "../../flows/app/remove-images.js";
import { staleContainers } from "../../flows/app/stale-containers.js";
import { appStart } from "../../flows/app/start.js";
import { appStop } from "../../flows/app/stop.js";
import { appVersion } from "../../flows/app/version.js";
import { interactive, logsOptions, logsSettings, raw, reuse } from "../common-options.js";
import { defineCommand, defineGroup } from "../define-command.js";
import { exitOnStatus } from "../interactive-exit-error.js";

export const app = defineGroup({
  name: "app",
  description: "Manage application",
  subcommands: [
    defineCommand({
      name: "boot",
      description: "Boot app on servers (or reboot app if already running)",
      run: ({ withContext }) => withContext(appBoot),
    }),
    defineCommand({
      name: "start",
      description: "Start existing app container on servers",
      run: ({ withContext }) => withContext(appStart),
    }),
    defineCommand({
      name: "stop",
      description: "Stop app container on servers",
      run: ({ withContext }) => withContext(appStop),
    }),
    defineCommand({
      name: "details",
      description: "Show details about app containers",
      run: ({ withContext }) => withContext(appDetails),
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
      run: ({ args: [words], options, withContext }) =>
        withContext(async (ctx) =>
          exitOnStatus(
            await appExec(ctx, words, {
              interactive: options.interactive,
              reuse: options.reuse,
              env: options.env,
              detach: options.detach,
              raw: options.raw,
            }),
          ),
        ),
    }),
    defineCommand({
      name: "containers",
      description: "Show app containers on servers",
      run: ({ withContext }) => withContext(appContainers),
    }),
    defineCommand({
      name: "stale_containers",
      description: "Detect app stale containers",
      options: [{ flags: "-s, --stop", description: "Stop the stale containers found", default: false }],
      run: ({ options, withContext }) => withContext((ctx) => staleContainers(ctx, { stop: options.stop })),
    }),
    defineCommand({
      name: "images",
      description: "Show app images on servers",
      run: ({ withContext }) => withContext(appImages),
    }),
    defineCommand({
      name: "logs",
      description: "Show log lines from app on servers (use --help to show options)",
      options: [...logsOptions, { flags: "--container-id <id>", description: "Docker container ID to fetch logs" }],
      run: ({ options, withContext }) =>
        withContext(async (ctx) =>
          exitOnStatus(await appLogs(ctx, { ...logsSettings(options), containerId: options.containerId })),
        ),
    }),
    defineCommand({
      name: "remove",
      description: "Remove app containers and images from servers",
      run: ({ withContext }) => withContext(appRemove),
    }),
    defineCommand({
      name: "live",
      description: "Set the app to live mode",
      run: ({ withContext }) => withContext(appLive),
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
      run: ({ options, withContext }) =>
        withContext((ctx) => appMaintenance(ctx, { drainTimeout: options.drainTimeout, message: options.message })),
    }),
    defineCommand({
      name: "remove_container",
      description: "Remove app container with given version from servers",
      args: ["<version>"],
      hidden: true,
      run: ({ args: [version], withContext }) => withContext((ctx) => removeAppContainer(ctx, version)),
    }),
    defineCommand({
      name: "remove_containers",
      description: "Remove all app containers from servers",
      hidden: true,
      run: ({ withContext }) => withContext(removeAppContainers),
    }),
    defineCommand({
      name: "remove_images",
      description: "Remove all app images from servers",
      hidden: true,
      run: ({ withContext }) => withContext(removeAppImages),
    }),
    defineCommand({
      name: "remove_app_directories",
      description: "Remove the app directories from servers",
      hidden: true,
      run: ({ withContext }) => withContext(removeAppDirectories),
    }),
    defineCommand({
      name: "version",
      description: "Show app version currently running on servers",
      run: ({ withContext }) => withContext(appVersion),
    }),
  ],
});
