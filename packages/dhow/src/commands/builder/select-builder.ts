/**
 * @module
 * Picks the build strategy exactly as Kamal's `Commands::Builder#target` does: a remote arch makes it
 * hybrid (some arch also local) or remote; otherwise pack, cloud or local, in that order.
 */
import type { BuilderStrategy, StrategyInput } from "./base.js";
import { cloudBuilder } from "./cloud.js";
import { hybridBuilder } from "./hybrid.js";
import { localBuilder } from "./local.js";
import { packBuilder } from "./pack.js";
import { remoteBuilder } from "./remote.js";

/** The strategy Kamal would use for this config on this machine. */
export function selectBuilder(input: StrategyInput): BuilderStrategy {
  const { builder } = input.config;
  if (builder.isRemote(input.facts)) {
    return builder.isLocal(input.facts) ? hybridBuilder(input) : remoteBuilder(input);
  }
  if (builder.pack) return packBuilder(input);
  if (builder.cloud) return cloudBuilder(input);
  return localBuilder(input);
}
