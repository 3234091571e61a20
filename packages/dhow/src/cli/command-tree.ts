/**
 * @module
 * The whole `dhow` tree, in Kamal 2.12's `--help` order: the top-level commands (`commands/main.ts`), then one
 * group per file of `commands/` (`dhow app boot` is defined in `commands/app.ts`). A group's file is loaded
 * only when the command line names the group, so `dhow version` loads none of them.
 */
import { MAIN_COMMANDS } from "./commands/main.js";
import type { CommandDef } from "./define-command.js";

/** A command group: its name and description, and its commands, loaded on demand. */
export interface CommandGroup {
  readonly name: string;
  readonly description: string;
  readonly commands: () => Promise<readonly CommandDef[]>;
}

export { MAIN_COMMANDS };

export const COMMAND_GROUPS: readonly CommandGroup[] = [
  {
    name: "accessory",
    description: "Manage accessories (db/redis/search)",
    commands: async () => (await import("./commands/accessory.js")).ACCESSORY_COMMANDS,
  },
  {
    name: "app",
    description: "Manage application",
    commands: async () => (await import("./commands/app.js")).APP_COMMANDS,
  },
  {
    name: "build",
    description: "Build application image",
    commands: async () => (await import("./commands/build.js")).BUILD_COMMANDS,
  },
  {
    name: "lock",
    description: "Manage the deploy lock",
    commands: async () => (await import("./commands/lock.js")).LOCK_COMMANDS,
  },
  {
    name: "proxy",
    description: "Manage kamal-proxy",
    commands: async () => (await import("./commands/proxy.js")).PROXY_COMMANDS,
  },
  {
    name: "prune",
    description: "Prune old application images and containers",
    commands: async () => (await import("./commands/prune.js")).PRUNE_COMMANDS,
  },
  {
    name: "registry",
    description: "Login and -out of the image registry",
    commands: async () => (await import("./commands/registry.js")).REGISTRY_COMMANDS,
  },
  {
    name: "secrets",
    description: "Helpers for extracting secrets",
    commands: async () => (await import("./commands/secrets.js")).SECRETS_COMMANDS,
  },
  {
    name: "server",
    description: "Bootstrap servers with curl and Docker",
    commands: async () => (await import("./commands/server.js")).SERVER_COMMANDS,
  },
];

/** The tree with the commands of `groups` loaded (the other groups are listed, with no commands). */
export async function loadCommandTree(groups: (name: string) => boolean = () => true): Promise<readonly CommandDef[]> {
  const loaded = await Promise.all(
    COMMAND_GROUPS.map(
      async (group): Promise<CommandDef> => ({
        name: group.name,
        description: group.description,
        subcommands: groups(group.name) ? await group.commands() : [],
      }),
    ),
  );
  return [...MAIN_COMMANDS, ...loaded];
}
