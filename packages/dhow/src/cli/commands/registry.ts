/**
 * @module
 * `dhow registry …` (Kamal's `cli/registry.rb`): setup, remove, login, logout.
 */
import { registryRemove } from "../../flows/registry/remove.js";
import { registryLogout } from "../../flows/registry/logout.js";
import { registrySetup } from "../../flows/registry/setup.js";
import { registryLogin } from "../../flows/registry/login.js";
import { registryScope } from "../common-options.js";
import { defineCommand, defineGroup } from "../define-command.js";

export const registry = defineGroup({
  name: "registry",
  description: "Login and -out of the image registry",
  subcommands: [
    defineCommand({
      name: "setup",
      description: "Setup local registry or log in to remote registry locally and remotely",
      options: registryScope,
      run: ({ options, withContext }) => withContext((ctx) => registrySetup(ctx, options)),
    }),
    defineCommand({
      name: "remove",
      description: "Remove local registry or log out of remote registry locally and remotely",
      options: registryScope,
      run: ({ options, withContext }) => withContext((ctx) => registryRemove(ctx, options)),
    }),
    defineCommand({
      name: "login",
      description: "Log in to remote registry locally and remotely",
      options: registryScope,
      run: ({ options, withContext }) => withContext((ctx) => registryLogin(ctx, options)),
    }),
    defineCommand({
      name: "logout",
      description: "Log out of remote registry locally and remotely",
      options: registryScope,
      run: ({ options, withContext }) => withContext((ctx) => registryLogout(ctx, options)),
    }),
  ],
});
