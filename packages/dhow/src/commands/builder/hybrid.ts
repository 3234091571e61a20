/**
 * @module
 * The hybrid builder (Kamal's `Commands::Builder::Hybrid`): one buildx builder with two nodes, the local
 * arch on this machine and the other arches on the `remote` host. Otherwise it behaves as the remote one.
 */
import { combine, docker } from "../command.js";
import {
  type BuilderStrategy,
  driverOptions,
  makeStrategy,
  platformOptions,
  remoteBuilderSuffix,
  type StrategyInput,
} from "./base.js";
import { createRemoteContext, remoteContextName, remoteParts } from "./remote.js";

/** The hybrid strategy. */
export function hybridBuilder(input: StrategyInput): BuilderStrategy {
  const { builder } = input.config;
  const name = `kamal-hybrid-${builder.driver}-${remoteBuilderSuffix(builder)}`;
  return makeStrategy(input, {
    ...remoteParts(input, name),
    name: "hybrid",
    create: () =>
      combine([
        docker(
          "buildx",
          "create",
          platformOptions(builder.localArches(input.facts)),
          "--name",
          name,
          `--driver=${builder.driver}`,
          driverOptions(builder),
        ),
        createRemoteContext(input, name),
        docker(
          "buildx",
          "create",
          platformOptions(builder.remoteArches(input.facts)),
          "--append",
          "--name",
          name,
          driverOptions(builder),
          remoteContextName(name),
        ),
      ]),
  });
}
