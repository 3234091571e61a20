/**
 * @module
 * What app commands act on: the config, one role, and (for commands that need it) one host.
 * Kamal's `Commands::App.new(config, role:, host:)`.
 */
import type { Config, Role } from "../../config/config.js";
import { argumentize } from "../command.js";

/** The config, role and host an app command is built for. */
export interface AppTarget {
  readonly config: Config;
  readonly role: Role;
  readonly host?: string | undefined;
}

/** Docker statuses that count as a running app container. */
export const ACTIVE_DOCKER_STATUSES = ["running", "restarting"] as const;

/** The role's container name for a version (the config version by default). */
export function containerName(target: AppTarget, version?: string): string {
  return target.role.containerName(version);
}

/** `--filter label=service=… --filter label=destination=… --filter label=role=… [--filter status=…]` */
export function containerFilterArgs(target: AppTarget, statuses?: readonly string[]): string[] {
  const filters = [`label=service=${target.config.service}`, `label=destination=${target.config.destination ?? ""}`];
  filters.push(`label=role=${target.role.name}`);
  for (const status of statuses ?? []) filters.push(`status=${status}`);
  return argumentize("--filter", filters) as string[];
}

/** `--filter label=service=<service>` */
export function imageFilterArgs(target: AppTarget): string[] {
  return argumentize("--filter", [`label=service=${target.config.service}`]) as string[];
}
