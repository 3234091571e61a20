/**
 * @module
 * `dhow prune …` (Kamal's `cli/prune.rb`): all, images, containers.
 */
import { pruneAll } from "../../flows/prune/all.js";
import { pruneContainers } from "../../flows/prune/containers.js";
import { pruneImages } from "../../flows/prune/images.js";
import { defineCommand, defineGroup } from "../define-command.js";

export const prune = defineGroup({
  name: "prune",
  description: "Prune old application images and containers",
  subcommands: [
    defineCommand({
      name: "all",
      description: "Prune unused images and stopped containers",
      run: ({ withContext }) => withContext(pruneAll),
    }),
    defineCommand({
      name: "images",
      description: "Prune unused images",
      run: ({ withContext }) => withContext(pruneImages),
    }),
    defineCommand({
      name: "containers",
      description: "Prune all stopped containers, except the last n (default 5)",
      options: [{ flags: "--retain <n>", description: "Number of containers to retain", type: "numeric" }],
      run: ({ options, withContext }) => withContext((ctx) => pruneContainers(ctx, { retain: options.retain })),
    }),
  ],
});
