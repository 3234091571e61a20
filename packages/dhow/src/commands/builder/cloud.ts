/**
 * @module
 * Docker Build Cloud (Kamal's `Commands::Builder::Cloud`): `driver: cloud <org>/<name>`; the builder is
 * named after the driver with spaces and slashes turned into dashes.
 */
import { docker } from "../command.js";
import { type BuilderStrategy, makeStrategy, type StrategyInput } from "./base.js";

/** The cloud strategy. */
export function cloudBuilder(input: StrategyInput): BuilderStrategy {
  const { driver } = input.config.builder;
  const name = cloudBuilderName(driver);
  return makeStrategy(input, {
    name: "cloud",
    builderName: name,
    create: () => docker("buildx", "create", "--driver", driver),
    remove: () => docker("buildx", "rm", name),
  });
}

/** `cloud org/name` → `cloud-org-name`. */
export function cloudBuilderName(driver: string): string {
  return driver.replace(/[ /]/g, "-");
}
