/**
 * @module
 * `private_ip:` (dhow only, at the root): each host's address on the private network between the servers,
 * `{ 203.0.113.10: 10.0.0.10 }`, keyed by the host as written in `servers:`/`accessories:`. dhow uses it to
 * make an accessory's name (`<service>-<name>`) resolve on the other hosts (docs/service-names.md). The
 * value's shape is validated here (a hash of IPv4 addresses); that every key is a host of the config is a
 * cross-section check (service-name-checks.ts), since it needs the resolved hosts.
 */
import { isIPv4 } from "node:net";
import { isHash, type RubyHash, rubyToS } from "../../ruby.js";
import { fail, type Scope, typeError, within } from "../validator.js";

/** Validates a `private_ip` value; `scope` is the key's own scope (`private_ip`). */
export function validatePrivateIp(scope: Scope, value: unknown): void {
  if (!isHash(value)) typeError(scope, "Hash");
  for (const [host, address] of Object.entries(value)) {
    if (typeof address !== "string" || !isIPv4(address)) {
      fail(
        within(scope, host),
        `should be the host's private IPv4 address (e.g. 10.0.0.10), not ${address === null ? "empty" : JSON.stringify(rubyToS(address))}`,
      );
    }
  }
}

/** The `private_ip` setting of a validated raw config, host → address (empty when not set). */
export function privateIpSetting(raw: RubyHash | { readonly private_ip?: unknown }): ReadonlyMap<string, string> {
  const value = (raw as RubyHash).private_ip;
  if (!isHash(value)) return new Map();
  return new Map(Object.entries(value).map(([host, address]) => [host, String(address)]));
}
