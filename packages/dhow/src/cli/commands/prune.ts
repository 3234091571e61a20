/**
 * @module
 * `dhow prune …` (Kamal's `cli/prune.rb`): all, images, containers.
 */
import { type CommandDef, defineCommand } from "../define-command.js";

/** The commands of `dhow prune`, in Kamal's `--help` order. */
export const PRUNE_COMMANDS: readonly CommandDef[] = [
  defineCommand({
    name: "all",
    description: "Prune unused images and stopped containers",
    run: async ({ withContext }) => {
      const { pruneAll } = await import("../../flows/prune/all.js");
      await withContext(pruneAll);
    },
  }),
  defineCommand({
    name: "images",
    description: "Prune unused images",
    run: async ({ withContext }) => {
      const { pruneImages } = await import("../../flows/prune/images.js");
      await withContext(pruneImages);
    },
  }),
  defineCommand({
    name: "containers",
    description: "Prune all stopped containers, except the last n (default 5)",
    options: [{ flags: "--retain <n>", description: "Number of containers to retain", type: "numeric" }],
    run: async ({ options, withContext }) => {
      const { pruneContainers } = await import("../../flows/prune/containers.js");
      await withContext((ctx) => pruneContainers(ctx, { retain: options.retain }));
    },
  }),
];
