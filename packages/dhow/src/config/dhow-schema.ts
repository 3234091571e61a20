/**
 * @module
 * dhow's own configuration keys, a schema layer on top of Kamal's: `release_command` and `private_ip` at the root,
 * `depends_on` on a role (hash form) and on an accessory, and an accessory's `healthcheck`. Kamal's
 * validation never sees them (each section checks itself against Kamal's example without them); they are
 * then validated here, with errors in Kamal's form (`servers/web/depends_on: should be an array or a hash`).
 * `dhow docs` documents them in the same section files, marked as dhow only; `docs-coverage.test.ts`
 * checks that every key listed here is documented.
 */
import { hasOwn, type RubyHash, setOwn } from "../ruby.js";
import { validateAccessoryHealthcheck } from "./sections/accessory-healthcheck.js";
import { validateDependsOn } from "./sections/depends-on.js";
import { validatePrivateIp } from "./sections/private-ip.js";
import { type Scope, typeError, within } from "./validator.js";

/** The dhow-only keys of each section that has any. */
export const DHOW_ONLY_KEYS = {
  configuration: ["release_command", "private_ip"],
  role: ["depends_on"],
  accessory: ["depends_on", "healthcheck"],
} as const satisfies Record<string, readonly string[]>;

/** A section with dhow-only keys. */
export type DhowSection = keyof typeof DHOW_ONLY_KEYS;

/**
 * Every key path the dhow-only keys add, in the notation of `docs-coverage.test.ts` (`*` for names the user
 * picks, `[]` for list items).
 */
export const DHOW_ONLY_KEY_PATHS: readonly string[] = [
  "release_command",
  "private_ip",
  "private_ip.*",
  ...["servers.*", "accessories.*"].flatMap((at) => [
    `${at}.depends_on`,
    `${at}.depends_on[]`,
    `${at}.depends_on.*`,
    `${at}.depends_on.*.condition`,
    `${at}.depends_on.*.timeout`,
  ]),
  "accessories.*.healthcheck",
  ...["cmd", "path", "port", "interval", "timeout", "retries", "start_period"].map(
    (key) => `accessories.*.healthcheck.${key}`,
  ),
];

/** `config` without the section's dhow-only keys (what Kamal's validation sees); non-hashes as they are. */
export function withoutDhowKeys(section: DhowSection, config: unknown): unknown {
  if (typeof config !== "object" || config === null || Array.isArray(config)) return config;
  const keys: readonly string[] = DHOW_ONLY_KEYS[section];
  if (!keys.some((key) => hasOwn(config as RubyHash, key))) return config;
  const rest: RubyHash = {};
  for (const [key, value] of Object.entries(config)) if (!keys.includes(key)) setOwn(rest, key, value);
  return rest;
}

/** Validates the section's dhow-only keys present in `config`; `scope` is the section's scope. */
export function validateDhowKeys(section: DhowSection, scope: Scope, config: RubyHash): void {
  if (hasOwn(config, "release_command") && section === "configuration") {
    if (typeof config.release_command !== "string") typeError(within(scope, "release_command"), "String");
  }
  if (hasOwn(config, "private_ip") && section === "configuration") {
    validatePrivateIp(within(scope, "private_ip"), config.private_ip);
  }
  if (hasOwn(config, "depends_on") && section !== "configuration") {
    validateDependsOn(within(scope, "depends_on"), config.depends_on);
  }
  if (hasOwn(config, "healthcheck") && section === "accessory") {
    validateAccessoryHealthcheck(within(scope, "healthcheck"), config.healthcheck);
  }
}
