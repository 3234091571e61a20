/**
 * @module
 * `sshkit:` connection pool settings. Kamal's `Configuration::Sshkit`.
 */
import type { RawSshkit } from "../raw-config.js";
import { isHash } from "../../ruby.js";
import { type Scope, validateSection } from "../validator.js";

export const DEFAULT_MAX_CONCURRENT_STARTS = 30;
export const DEFAULT_POOL_IDLE_TIMEOUT = 900;
export const DEFAULT_DNS_RETRIES = 3;

/** A resolved sshkit section. */
export interface SshkitConfig {
  /** The section as written (what `kamal config` prints). */
  readonly raw: RawSshkit;
  readonly maxConcurrentStarts: number;
  readonly poolIdleTimeout: number;
  readonly dnsRetries: number;
}

/** Resolves the sshkit section. */
export function createSshkit(raw: RawSshkit | undefined): SshkitConfig {
  const section: RawSshkit = isHash(raw) ? raw : {};
  return {
    raw: section,
    maxConcurrentStarts: section.max_concurrent_starts ?? DEFAULT_MAX_CONCURRENT_STARTS,
    poolIdleTimeout: section.pool_idle_timeout ?? DEFAULT_POOL_IDLE_TIMEOUT,
    dnsRetries: section.dns_retries ?? DEFAULT_DNS_RETRIES,
  };
}

/** Kamal's sshkit validation: against the example of docs/sshkit.yml. */
export function validateSshkit(scope: Scope, config: unknown): void {
  validateSection(scope, config ?? {}, "sshkit");
}
