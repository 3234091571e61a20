/**
 * @module
 * The whole `dhow` tree, in Kamal 2.12's `--help` order: the top-level commands, then one group per file of
 * `commands/` (`dhow app boot` is defined in `commands/app.ts`).
 */
import { accessory } from "./commands/accessory.js";
import { app } from "./commands/app.js";
import { build } from "./commands/build.js";
import { lock } from "./commands/lock.js";
import { MAIN_COMMANDS } from "./commands/main.js";
import { prune } from "./commands/prune.js";
import { proxy } from "./commands/proxy.js";
import { registry } from "./commands/registry.js";
import { secrets } from "./commands/secrets.js";
import { server } from "./commands/server.js";
import type { CommandDef } from "./define-command.js";

export const COMMAND_TREE: readonly CommandDef[] = [
  ...MAIN_COMMANDS,
  accessory,
  app,
  build,
  lock,
  proxy,
  prune,
  registry,
  secrets,
  server,
];
