/**
 * @module
 * `dhow registry …` (Kamal's `cli/registry.rb`): setup, remove, login, logout.
 */
import { registryScope } from "../common-options.js";
import { type CommandDef, defineCommand } from "../define-command.js";

/** The commands of `dhow registry`, in Kamal's `--help` order. */
export const REGISTRY_COMMANDS: readonly CommandDef[] = [
  defineCommand({
    name: "setup",
    description: "Setup local registry or log in to remote registry locally and remotely",
    options: registryScope,
    run: async ({ options, withContext }) => {
      const { registrySetup } = await import("../../flows/registry/setup.js");
      await withContext((ctx) => registrySetup(ctx, options));
    },
  }),
  defineCommand({
    name: "remove",
    description: "Remove local registry or log out of remote registry locally and remotely",
    options: registryScope,
    run: async ({ options, withContext }) => {
      const { registryRemove } = await import("../../flows/registry/remove.js");
      await withContext((ctx) => registryRemove(ctx, options));
    },
  }),
  defineCommand({
    name: "login",
    description: "Log in to remote registry locally and remotely",
    options: registryScope,
    run: async ({ options, withContext }) => {
      const { registryLogin } = await import("../../flows/registry/login.js");
      await withContext((ctx) => registryLogin(ctx, options));
    },
  }),
  defineCommand({
    name: "logout",
    description: "Log out of remote registry locally and remotely",
    options: registryScope,
    run: async ({ options, withContext }) => {
      const { registryLogout } = await import("../../flows/registry/logout.js");
      await withContext((ctx) => registryLogout(ctx, options));
    },
  }),
];
