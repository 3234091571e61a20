/**
 * @module
 * `boot:` rolling-boot settings: group size (`limit`, a count or `N%` of all hosts), pause between groups,
 * and whether roles boot in parallel. Kamal's `Configuration::Boot`.
 */
import type { RawBoot } from "../raw-config.js";
import { isPlainObject } from "../ruby.js";
import { type Scope, validateSection } from "../validator.js";

/** A resolved boot section. */
export interface BootConfig {
  readonly raw: RawBoot;
  /** Hosts per boot group; undefined means all at once. `N%` is `max(1, floor(hostCount * N / 100))`. */
  readonly limit: number | undefined;
  /** Seconds to wait after each group. */
  readonly wait: number | undefined;
  readonly parallelRoles: boolean;
}

/** Resolves the boot section; `hostCount` is the number of all hosts (app and accessory hosts). */
export function createBoot(raw: RawBoot | undefined, hostCount: number): BootConfig {
  const section: RawBoot = isPlainObject(raw) ? raw : {};
  return {
    raw: section,
    limit: resolveLimit(section.limit, hostCount),
    wait: section.wait ?? undefined,
    parallelRoles: Boolean(section.parallel_roles),
  };
}

function resolveLimit(limit: number | string | undefined, hostCount: number): number | undefined {
  if (limit === undefined || limit === null) return undefined;
  const text = String(limit);
  if (text.endsWith("%")) return Math.max(Math.floor((hostCount * rubyToI(text)) / 100), 1);
  return typeof limit === "number" ? limit : rubyToI(text);
}

/** Ruby's `String#to_i`: the leading integer, 0 when there is none. */
function rubyToI(text: string): number {
  const match = /^\s*[-+]?\d+/.exec(text.replaceAll("_", ""));
  return match ? Number.parseInt(match[0], 10) : 0;
}

/** Kamal's boot validation: against the example of docs/boot.yml. */
export function validateBoot(scope: Scope, config: unknown): void {
  validateSection(scope, config ?? {}, "boot");
}
