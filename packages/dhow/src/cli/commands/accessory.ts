/**
 * @module
 * `dhow accessory …` (Kamal's `cli/accessory.rb`): boot, reboot, start, stop, restart, details, exec, logs,
 * remove, upgrade, and the hidden steps (upload, directories, remove_*, pull_image).
 */
import { bootAccessory } from "../../flows/accessory/boot.js";
import { accessoryDetails } from "../../flows/accessory/details.js";
import { accessoryDirectories } from "../../flows/accessory/directories.js";
import { accessoryExec } from "../../flows/accessory/exec.js";
import { accessoryLogs } from "../../flows/accessory/logs.js";
import { accessoryPullImage } from "../../flows/accessory/pull-image.js";
import { accessoryReboot } from "../../flows/accessory/reboot.js";
import { accessoryRemove } from "../../flows/accessory/remove.js";
import { removeAccessoryContainer } from "../../flows/accessory/remove-container.js";
import { removeAccessoryImage } from "../../flows/accessory/remove-image.js";
import { removeAccessoryServiceDirectory } from "../../flows/accessory/remove-service-directory.js";
import { accessoryRestart } from "../../flows/accessory/restart.js";
import { accessoryStart } from "../../flows/accessory/start.js";
import { accessoryStop } from "../../flows/accessory/stop.js";
import { accessoryUpgrade } from "../../flows/accessory/upgrade.js";
import { uploadAccessoryFiles } from "../../flows/accessory/upload.js";
import { confirmed, interactive, logsOptions, logsSettings, raw, reuse, rollingUpgrade } from "../common-options.js";
import { defineCommand, defineGroup } from "../define-command.js";
import { exitOnStatus } from "../interactive-exit-error.js";

export const accessory = defineGroup({
  name: "accessory",
  description: "Manage accessories (db/redis/search)",
  subcommands: [
    defineCommand({
      name: "boot",
      description: "Boot new accessory service on host (use NAME=all to boot all accessories)",
      args: ["<name>"],
      run: ({ args: [name], withContext }) => withContext((ctx) => bootAccessory(ctx, name)),
    }),
    defineCommand({
      name: "upload",
      description: "Upload accessory files to host",
      args: ["<name>"],
      hidden: true,
      run: ({ args: [name], withContext }) => withContext((ctx) => uploadAccessoryFiles(ctx, name)),
    }),
    defineCommand({
      name: "directories",
      description: "Create accessory directories on host",
      args: ["<name>"],
      hidden: true,
      run: ({ args: [name], withContext }) => withContext((ctx) => accessoryDirectories(ctx, name)),
    }),
    defineCommand({
      name: "reboot",
      description:
        "Reboot existing accessory on host (stop container, remove container, start new container; use NAME=all to boot all accessories)",
      args: ["<name>"],
      run: ({ args: [name], withContext }) => withContext((ctx) => accessoryReboot(ctx, name)),
    }),
    defineCommand({
      name: "start",
      description: "Start existing accessory container on host",
      args: ["<name>"],
      run: ({ args: [name], withContext }) => withContext((ctx) => accessoryStart(ctx, name)),
    }),
    defineCommand({
      name: "stop",
      description: "Stop existing accessory container on host",
      args: ["<name>"],
      run: ({ args: [name], withContext }) => withContext((ctx) => accessoryStop(ctx, name)),
    }),
    defineCommand({
      name: "restart",
      description: "Restart existing accessory container on host",
      args: ["<name>"],
      run: ({ args: [name], withContext }) => withContext((ctx) => accessoryRestart(ctx, name)),
    }),
    defineCommand({
      name: "details",
      description: "Show details about accessory on host (use NAME=all to show all accessories)",
      args: ["<name>"],
      run: ({ args: [name], withContext }) => withContext((ctx) => accessoryDetails(ctx, name)),
    }),
    defineCommand({
      name: "exec",
      description: "Execute a custom command on servers within the accessory container (use --help to show options)",
      args: ["<name>", "<cmd...>"],
      options: [interactive, reuse, raw],
      run: ({ args: [name, words], options, withContext }) =>
        withContext(async (ctx) =>
          exitOnStatus(
            await accessoryExec(ctx, name, words, {
              interactive: options.interactive,
              reuse: options.reuse,
              raw: options.raw,
            }),
          ),
        ),
    }),
    defineCommand({
      name: "logs",
      description: "Show log lines from accessory on host (use --help to show options)",
      args: ["<name>"],
      options: logsOptions,
      run: ({ args: [name], options, withContext }) =>
        withContext(async (ctx) => exitOnStatus(await accessoryLogs(ctx, name, logsSettings(options)))),
    }),
    defineCommand({
      name: "remove",
      description:
        "Remove accessory container, image and data directory from host (use NAME=all to remove all accessories)",
      args: ["<name>"],
      options: [confirmed],
      run: ({ args: [name], options, confirm, withContext }) =>
        withContext((ctx) => accessoryRemove(ctx, name, { confirmed: options.confirmed, confirm })),
    }),
    defineCommand({
      name: "remove_container",
      description: "Remove accessory container from host",
      args: ["<name>"],
      hidden: true,
      run: ({ args: [name], withContext }) => withContext((ctx) => removeAccessoryContainer(ctx, name)),
    }),
    defineCommand({
      name: "remove_image",
      description: "Remove accessory image from host",
      args: ["<name>"],
      hidden: true,
      run: ({ args: [name], withContext }) => withContext((ctx) => removeAccessoryImage(ctx, name)),
    }),
    defineCommand({
      name: "remove_service_directory",
      description: "Remove accessory directory used for uploaded files and data directories from host",
      args: ["<name>"],
      hidden: true,
      run: ({ args: [name], withContext }) => withContext((ctx) => removeAccessoryServiceDirectory(ctx, name)),
    }),
    defineCommand({
      name: "pull_image",
      description: "Pull accessory image on host",
      args: ["<name>"],
      hidden: true,
      run: ({ args: [name], withContext }) => withContext((ctx) => accessoryPullImage(ctx, name)),
    }),
    defineCommand({
      name: "upgrade",
      description: "Upgrade accessories from Kamal 1.x to 2.0 (restart them in 'kamal' network)",
      args: ["<name>"],
      options: [confirmed, rollingUpgrade],
      run: ({ args: [name], options, confirm, withContext }) =>
        withContext((ctx) =>
          accessoryUpgrade(ctx, name, { rolling: options.rolling, confirmed: options.confirmed, confirm }),
        ),
    }),
  ],
});
