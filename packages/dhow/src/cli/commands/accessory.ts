/**
 * @module
 * `dhow accessory …` (Kamal's `cli/accessory.rb`): boot, reboot, start, stop, restart, details, exec, logs,
 * remove, upgrade, and the hidden steps (upload, directories, remove_*, pull_image).
 */
import { confirmed, interactive, logsOptions, logsSettings, raw, reuse, rollingUpgrade } from "../common-options.js";
import { type CommandDef, defineCommand } from "../define-command.js";
import { UsageError } from "../../errors.js";
import { exitOnStatus } from "../interactive-exit-error.js";

/** The commands of `dhow accessory`, in Kamal's `--help` order. */
export const ACCESSORY_COMMANDS: readonly CommandDef[] = [
  defineCommand({
    name: "boot",
    description: "Boot new accessory service on host (use NAME=all to boot all accessories)",
    args: ["<name>"],
    run: async ({ args: [name], withContext }) => {
      const { bootAccessory } = await import("../../flows/accessory/boot.js");
      await withContext((ctx) => bootAccessory(ctx, name));
    },
  }),
  defineCommand({
    name: "upload",
    description: "Upload accessory files to host",
    args: ["<name>"],
    hidden: true,
    run: async ({ args: [name], withContext }) => {
      const { uploadAccessoryFiles } = await import("../../flows/accessory/upload.js");
      await withContext((ctx) => uploadAccessoryFiles(ctx, name));
    },
  }),
  defineCommand({
    name: "directories",
    description: "Create accessory directories on host",
    args: ["<name>"],
    hidden: true,
    run: async ({ args: [name], withContext }) => {
      const { accessoryDirectories } = await import("../../flows/accessory/directories.js");
      await withContext((ctx) => accessoryDirectories(ctx, name));
    },
  }),
  defineCommand({
    name: "reboot",
    description:
      "Reboot existing accessory on host (stop container, remove container, start new container; use NAME=all to boot all accessories)",
    args: ["[name]"],
    options: [
      {
        flags: "--changed",
        description:
          "Reboot only the accessories whose config changed since they were booted, in dependency order (dhow; no NAME)",
        default: false,
      },
    ],
    run: async ({ args: [name], options, withContext }) => {
      if (options.changed && name !== undefined) {
        throw new UsageError("accessory reboot: give NAME or --changed, not both");
      }
      if (!options.changed && name === undefined) {
        throw new UsageError("accessory reboot: give NAME (or all), or --changed");
      }
      const { accessoryReboot, accessoryRebootChanged } = await import("../../flows/accessory/reboot.js");
      await withContext(async (ctx) => {
        if (name === undefined) await accessoryRebootChanged(ctx);
        else await accessoryReboot(ctx, name);
      });
    },
  }),
  defineCommand({
    name: "start",
    description: "Start existing accessory container on host",
    args: ["<name>"],
    run: async ({ args: [name], withContext }) => {
      const { accessoryStart } = await import("../../flows/accessory/start.js");
      await withContext((ctx) => accessoryStart(ctx, name));
    },
  }),
  defineCommand({
    name: "stop",
    description: "Stop existing accessory container on host",
    args: ["<name>"],
    run: async ({ args: [name], withContext }) => {
      const { accessoryStop } = await import("../../flows/accessory/stop.js");
      await withContext((ctx) => accessoryStop(ctx, name));
    },
  }),
  defineCommand({
    name: "restart",
    description: "Restart existing accessory container on host",
    args: ["<name>"],
    run: async ({ args: [name], withContext }) => {
      const { accessoryRestart } = await import("../../flows/accessory/restart.js");
      await withContext((ctx) => accessoryRestart(ctx, name));
    },
  }),
  defineCommand({
    name: "details",
    description: "Show details about accessory on host (use NAME=all to show all accessories)",
    args: ["<name>"],
    run: async ({ args: [name], withContext }) => {
      const { accessoryDetails } = await import("../../flows/accessory/details.js");
      await withContext((ctx) => accessoryDetails(ctx, name));
    },
  }),
  defineCommand({
    name: "exec",
    description: "Execute a custom command on servers within the accessory container (use --help to show options)",
    args: ["<name>", "<cmd...>"],
    options: [interactive, reuse, raw],
    run: async ({ args: [name, words], options, withContext }) => {
      const { accessoryExec } = await import("../../flows/accessory/exec.js");
      await withContext(async (ctx) =>
        exitOnStatus(
          await accessoryExec(ctx, name, words, {
            interactive: options.interactive,
            reuse: options.reuse,
            raw: options.raw,
          }),
        ),
      );
    },
  }),
  defineCommand({
    name: "logs",
    description: "Show log lines from accessory on host (use --help to show options)",
    args: ["<name>"],
    options: logsOptions,
    run: async ({ args: [name], options, withContext }) => {
      const { accessoryLogs } = await import("../../flows/accessory/logs.js");
      await withContext(async (ctx) => exitOnStatus(await accessoryLogs(ctx, name, logsSettings(options))));
    },
  }),
  defineCommand({
    name: "remove",
    description:
      "Remove accessory container, image and data directory from host (use NAME=all to remove all accessories)",
    args: ["<name>"],
    options: [confirmed],
    run: async ({ args: [name], options, confirm, withContext }) => {
      const { accessoryRemove } = await import("../../flows/accessory/remove.js");
      await withContext((ctx) => accessoryRemove(ctx, name, { confirmed: options.confirmed, confirm }));
    },
  }),
  defineCommand({
    name: "remove_container",
    description: "Remove accessory container from host",
    args: ["<name>"],
    hidden: true,
    run: async ({ args: [name], withContext }) => {
      const { removeAccessoryContainer } = await import("../../flows/accessory/remove-container.js");
      await withContext((ctx) => removeAccessoryContainer(ctx, name));
    },
  }),
  defineCommand({
    name: "remove_image",
    description: "Remove accessory image from host",
    args: ["<name>"],
    hidden: true,
    run: async ({ args: [name], withContext }) => {
      const { removeAccessoryImage } = await import("../../flows/accessory/remove-image.js");
      await withContext((ctx) => removeAccessoryImage(ctx, name));
    },
  }),
  defineCommand({
    name: "remove_service_directory",
    description: "Remove accessory directory used for uploaded files and data directories from host",
    args: ["<name>"],
    hidden: true,
    run: async ({ args: [name], withContext }) => {
      const { removeAccessoryServiceDirectory } = await import("../../flows/accessory/remove-service-directory.js");
      await withContext((ctx) => removeAccessoryServiceDirectory(ctx, name));
    },
  }),
  defineCommand({
    name: "pull_image",
    description: "Pull accessory image on host",
    args: ["<name>"],
    hidden: true,
    run: async ({ args: [name], withContext }) => {
      const { accessoryPullImage } = await import("../../flows/accessory/pull-image.js");
      await withContext((ctx) => accessoryPullImage(ctx, name));
    },
  }),
  defineCommand({
    name: "upgrade",
    description: "Upgrade accessories from Kamal 1.x to 2.0 (restart them in 'kamal' network)",
    args: ["<name>"],
    options: [confirmed, rollingUpgrade],
    run: async ({ args: [name], options, confirm, withContext }) => {
      const { accessoryUpgrade } = await import("../../flows/accessory/upgrade.js");
      await withContext((ctx) =>
        accessoryUpgrade(ctx, name, { rolling: options.rolling, confirmed: options.confirmed, confirm }),
      );
    },
  }),
];
