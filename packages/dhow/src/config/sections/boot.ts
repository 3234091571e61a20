/**
 * @module
 * `boot:` rolling-boot settings: group size (`limit`, a count or `N%` of all hosts), pause between groups,
 * and whether roles boot in parallel. Kamal's `Configuration::Boot`.
 */
import type { RawBoot } from "../raw-config.js";
import { isHash, rubyToI } from "../../ruby.js";
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
  const section: RawBoot = isHash(raw) ? raw : {};
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
  if (text.endsWith("%")) return Math.max(Math.floor((hostCount * Number(rubyToI(text))) / 100), 1);
  return typeof limit === "number" ? limit : Number(rubyToI(text));
}

/** Kamal's boot validation: against the example of docs/boot.yml. */
export function validateBoot(scope: Scope, config: unknown): void {
  validateSection(scope, config ?? {}, "boot");
}
