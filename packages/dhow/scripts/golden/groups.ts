/**
 * @module
 * Every golden command group by Kamal class name (`call.builder` in a case).
 */
import { accessoryGroup } from "./accessory.js";
import { appGroup } from "./app.js";
import { builderGroup } from "./builder.js";
import { proxyGroup } from "./proxy.js";
import {
  auditorGroup,
  dockerGroup,
  hookGroup,
  lockGroup,
  pruneGroup,
  registryGroup,
  serverGroup,
} from "./simple-groups.js";
import type { GoldenGroup } from "./types.js";

/** Dispatch per Kamal command class. */
export const GOLDEN_GROUPS: Readonly<Record<string, GoldenGroup<unknown>>> = {
  accessory: accessoryGroup,
  app: appGroup,
  auditor: auditorGroup,
  builder: builderGroup,
  docker: dockerGroup,
  hook: hookGroup,
  lock: lockGroup,
  prune: pruneGroup,
  proxy: proxyGroup,
  registry: registryGroup,
  server: serverGroup,
};
