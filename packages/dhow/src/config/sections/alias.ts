/**
 * @module
 * `aliases:` validation (Kamal's `Configuration::Alias`): each alias is a command string checked against
 * docs/alias.yml, with a lowercase name that does not shadow one of Kamal's own commands. The resolved
 * aliases are `Config.aliases` (name → argv string).
 */
import { fail, type Scope, scopeAt, validateSection } from "../validator.js";

/** Commands of `kamal` itself; an alias may not shadow them. */
export const KAMAL_COMMANDS = [
  "accessory",
  "app",
  "audit",
  "build",
  "config",
  "deploy",
  "details",
  "docs",
  "init",
  "lock",
  "proxy",
  "prune",
  "redeploy",
  "registry",
  "remove",
  "rollback",
  "secrets",
  "server",
  "setup",
  "upgrade",
  "version",
] as const;

/** Validates one alias (`root` is the root scope). */
export function validateAlias(root: Scope, name: string, command: unknown): void {
  const scope = scopeAt(root, `aliases/${name}`, ["aliases", name]);
  validateSection(scope, command, "alias");
  if (!/^[a-z0-9_-]+$/.test(name)) {
    fail(
      scope,
      `Invalid alias name: '${name}'. Must only contain lowercase letters, alphanumeric, hyphens and underscores.`,
    );
  }
  if ((KAMAL_COMMANDS as readonly string[]).includes(name)) {
    fail(scope, `Alias '${name}' conflicts with a built-in command.`);
  }
}
