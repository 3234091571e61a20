/**
 * @module
 * A bind mount (`--volume host:container[:options]`); relative host paths are made absolute with `$PWD`
 * on the host. Kamal's `Configuration::Volume`.
 */
import { fileJoin, isAbsolutePath, isPresent } from "../../ruby.js";

/** A resolved volume. */
export interface Volume {
  readonly hostPath: string;
  readonly containerPath: string;
  readonly options: string | undefined;
  /** `["--volume", "<host>:<container>[:options]"]` */
  dockerArgs(): string[];
}

/** Builds a volume. */
export function createVolume(hostPath: string, containerPath: string, options?: string | null): Volume {
  const hostForDocker = isAbsolutePath(hostPath) ? hostPath : fileJoin("$PWD", hostPath);
  const spec = `${hostForDocker}:${containerPath}${isPresent(options) ? `:${options}` : ""}`;
  return {
    hostPath,
    containerPath,
    options: options ?? undefined,
    dockerArgs: () => ["--volume", spec],
  };
}
