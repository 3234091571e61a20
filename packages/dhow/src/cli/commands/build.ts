/**
 * @module
 * `dhow build …` (Kamal's `cli/build.rb`): deliver, push, pull, create, remove, details, dev.
 */
import { noCache } from "../common-options.js";
import { type CommandDef, defineCommand } from "../define-command.js";

/** The commands of `dhow build`, in Kamal's `--help` order. */
export const BUILD_COMMANDS: readonly CommandDef[] = [
  defineCommand({
    name: "deliver",
    description: "Build app and push app image to registry then pull image on servers",
    run: async ({ withContext }) => {
      const { buildDeliver } = await import("../../flows/build/deliver.js");
      await withContext(buildDeliver);
    },
  }),
  defineCommand({
    name: "push",
    description: "Build and push app image to registry",
    options: [
      {
        flags: "--output <type>",
        description: "Docker buildx output type (registry, docker, …)",
        default: "registry",
      },
      noCache,
    ],
    run: async ({ options, withContext }) => {
      const { buildPush } = await import("../../flows/build/push.js");
      await withContext((ctx) => buildPush(ctx, { output: options.output || undefined, noCache: !options.cache }));
    },
  }),
  defineCommand({
    name: "pull",
    description: "Pull app image from registry onto servers",
    run: async ({ withContext }) => {
      const { buildPull } = await import("../../flows/build/pull.js");
      await withContext(buildPull);
    },
  }),
  defineCommand({
    name: "create",
    description: "Create a build setup",
    run: async ({ withContext }) => {
      const { buildCreate } = await import("../../flows/build/create.js");
      await withContext(buildCreate);
    },
  }),
  defineCommand({
    name: "remove",
    description: "Remove build setup",
    run: async ({ withContext }) => {
      const { buildRemove } = await import("../../flows/build/remove.js");
      await withContext(buildRemove);
    },
  }),
  defineCommand({
    name: "details",
    description: "Show build setup",
    run: async ({ withContext }) => {
      const { buildDetails } = await import("../../flows/build/details.js");
      await withContext(buildDetails);
    },
  }),
  defineCommand({
    name: "dev",
    description: "Build using the working directory, tag it as dirty, and push to local image store.",
    options: [{ flags: "--output <type>", description: "Docker buildx output type", default: "docker" }, noCache],
    run: async ({ options, withContext }) => {
      const { buildDev } = await import("../../flows/build/dev.js");
      await withContext((ctx) => buildDev(ctx, { output: options.output || undefined, noCache: !options.cache }));
    },
  }),
];
