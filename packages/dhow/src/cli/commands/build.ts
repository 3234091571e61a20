/**
 * @module
 * `dhow build …` (Kamal's `cli/build.rb`): deliver, push, pull, create, remove, details, dev.
 */
import { buildCreate } from "../../flows/build/create.js";
import { buildDetails } from "../../flows/build/details.js";
import { buildRemove } from "../../flows/build/remove.js";
import { buildDeliver } from "../../flows/build/deliver.js";
import { buildDev } from "../../flows/build/dev.js";
import { buildPull } from "../../flows/build/pull.js";
import { buildPush } from "../../flows/build/push.js";
import { noCache } from "../common-options.js";
import { defineCommand, defineGroup } from "../define-command.js";

export const build = defineGroup({
  name: "build",
  description: "Build application image",
  subcommands: [
    defineCommand({
      name: "deliver",
      description: "Build app and push app image to registry then pull image on servers",
      run: ({ withContext }) => withContext(buildDeliver),
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
      run: ({ options, withContext }) =>
        withContext((ctx) => buildPush(ctx, { output: options.output || undefined, noCache: !options.cache })),
    }),
    defineCommand({
      name: "pull",
      description: "Pull app image from registry onto servers",
      run: ({ withContext }) => withContext(buildPull),
    }),
    defineCommand({
      name: "create",
      description: "Create a build setup",
      run: ({ withContext }) => withContext(buildCreate),
    }),
    defineCommand({
      name: "remove",
      description: "Remove build setup",
      run: ({ withContext }) => withContext(buildRemove),
    }),
    defineCommand({
      name: "details",
      description: "Show build setup",
      run: ({ withContext }) => withContext(buildDetails),
    }),
    defineCommand({
      name: "dev",
      description: "Build using the working directory, tag it as dirty, and push to local image store.",
      options: [{ flags: "--output <type>", description: "Docker buildx output type", default: "docker" }, noCache],
      run: ({ options, withContext }) =>
        withContext((ctx) => buildDev(ctx, { output: options.output || undefined, noCache: !options.cache })),
    }),
  ],
});
