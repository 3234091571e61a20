/**
 * @module
 * The local buildx builder (Kamal's `Commands::Builder::Local`): every arch is built on this machine with
 * a `docker-container` builder named `kamal-local[-registry]-<driver>`, or with no builder of our own for
 * the `docker` driver.
 */
import { type Command, docker } from "../command.js";
import { type BuilderStrategy, driverOptions, makeStrategy, type StrategyInput } from "./base.js";

/** The local strategy. */
export function localBuilder(input: StrategyInput): BuilderStrategy {
  const builder = input.config.builder;
  const name = localBuilderName(input);
  return makeStrategy(input, {
    name: "local",
    builderName: name,
    create: (): Command | undefined =>
      builder.dockerDriver
        ? undefined
        : docker("buildx", "create", "--name", name, `--driver=${builder.driver}`, driverOptions(builder)),
    remove: (): Command | undefined => (builder.dockerDriver ? undefined : docker("buildx", "rm", name)),
  });
}

/** `kamal-local-<driver>`, or `kamal-local-registry-<driver>` with a local registry. */
export function localBuilderName({ config }: Pick<StrategyInput, "config">): string {
  const { driver, localRegistry } = config.builder;
  return localRegistry ? `kamal-local-registry-${driver}` : `kamal-local-${driver}`;
}
