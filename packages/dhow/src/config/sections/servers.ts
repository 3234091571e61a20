/**
 * @module
 * `servers:` validation (Kamal's `Configuration::Servers`): a host list (the single role `web`) or a hash of
 * roles, each role then validated by `validateRole`. The roles themselves are resolved in `role.ts`.
 */
import { isHash, type RubyHash } from "../../ruby.js";
import { type Scope, scopeAt, validateServers, validateType } from "../validator.js";
import { validateRole } from "./role.js";

/** Validates `servers:` and every role in it, in Kamal's order (role names sorted as Ruby sorts strings). */
export function validateServersSection(root: Scope, raw: RubyHash): void {
  const servers = raw.servers;
  const scope = scopeAt(root, "servers", ["servers"]);
  validateType(scope, servers, "Array", "Hash", "NilClass");
  if (Array.isArray(servers)) validateServers(scope, servers);
  for (const name of roleNamesOf(servers)) validateRole(root, raw, name);
}

/** The role names of a raw `servers:` value: `web` for a host list, else the keys in Ruby's byte order. */
export function roleNamesOf(servers: unknown): string[] {
  if (Array.isArray(servers)) return ["web"];
  if (!isHash(servers)) return [];
  return Object.keys(servers).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}
