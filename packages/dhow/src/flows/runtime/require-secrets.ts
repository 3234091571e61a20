/**
 * @module
 * The first step of every command that builds or boots: each secret it will read must be in the secrets
 * files, or it fails at once naming every missing secret, where the config names it and the files read,
 * before any hook, build, lock or SSH connection. Kamal looks a secret up only when it is used, so a missing
 * one used to fail at container boot, after the build, push and pull, behind an unhealthy-container error.
 * The files are read here (and `$(…)` commands run) as the pre-connect hook's environment would read them.
 */
import type { Accessory, Role } from "../../config/config.js";
import { type SecretNeeds, type SecretReference, secretReferences } from "../../config/secret-references.js";
import { SecretsError } from "../../errors.js";
import { secretsFilenames } from "../../secrets/secrets.js";
import { ALL_ACCESSORIES } from "../accessory/lookup.js";
import type { DeployContext } from "./context.js";

/** Secrets the command needs are missing from the secrets files. */
export class MissingSecretsError extends SecretsError {
  readonly missing: readonly SecretReference[];
  constructor(message: string, missing: readonly SecretReference[]) {
    super(message);
    this.missing = missing;
  }
}

/** What a command will do, in the terms of the selection. */
export interface CommandSecretNeeds {
  readonly registry?: boolean;
  readonly builder?: boolean;
  /** Boot the selected roles on the selected app hosts. */
  readonly roles?: boolean;
  /** Boot this accessory, or every one for `all`. */
  readonly accessory?: string;
}

/** Throws MissingSecretsError unless every secret `needs` implies is in the secrets files. */
export function requireSecrets(ctx: DeployContext, needs: CommandSecretNeeds): void {
  const { config } = ctx;
  const scope: SecretNeeds = {
    ...(needs.registry ? { registry: true } : {}),
    ...(needs.builder ? { builder: true } : {}),
    ...(needs.roles ? { roles: selectedRoles(ctx) } : {}),
    ...(needs.accessory === undefined ? {} : { accessories: accessoriesNamed(ctx, needs.accessory) }),
  };
  const references = secretReferences(config, scope);
  if (references.length === 0) return;
  const missing = references.filter((reference) => !config.secrets.has(reference.secret));
  if (missing.length === 0) return;
  throw new MissingSecretsError(missingMessage(missing, ctx), missing);
}

function selectedRoles(ctx: DeployContext): { role: Role; hosts: string[] }[] {
  const byRole = new Map<Role, string[]>();
  for (const host of ctx.selection.appHosts) {
    for (const role of ctx.selection.rolesOn(host)) byRole.set(role, [...(byRole.get(role) ?? []), host]);
  }
  return [...byRole].map(([role, hosts]) => ({ role, hosts }));
}

/** Unknown names are left to the command's own error. */
function accessoriesNamed(ctx: DeployContext, name: string): Accessory[] {
  const all = ctx.config.accessories;
  return name === ALL_ACCESSORIES ? [...all] : all.filter((accessory) => accessory.name === name);
}

/**
 * `Secret 'X' not found in .kamal/secrets: env/secret (role web)` (Kamal's wording, plus where), or one
 * line per secret under `N secrets not found in …:`.
 */
function missingMessage(missing: readonly SecretReference[], ctx: DeployContext): string {
  const files = ctx.config.secrets.files;
  const where =
    files.length > 0
      ? ` in ${files.join(", ")}`
      : `, no secret files (${secretsFilenames(ctx.config.secretsPath, ctx.config.destination).join(", ")}) provided`;
  const bySecret = new Map<string, SecretReference[]>();
  for (const reference of missing) {
    bySecret.set(reference.secret, [...(bySecret.get(reference.secret) ?? []), reference]);
  }
  const entries = [...bySecret].map(([secret, references]) => [secret, describeReferences(references)] as const);
  if (entries.length === 1) return `Secret '${entries[0]![0]}' not found${where}: ${entries[0]![1]}`;
  return [
    `${entries.length} secrets not found${where}:`,
    ...entries.map(([secret, where]) => `  ${secret}: ${where}`),
  ].join("\n");
}

/** `env/secret (roles web, workers), accessories/db/env/secret (accessory db)` */
function describeReferences(references: readonly SecretReference[]): string {
  const byPath = new Map<string, string[]>();
  for (const { keyPath, usedBy } of references) {
    const users = byPath.get(keyPath) ?? [];
    if (!users.includes(usedBy)) users.push(usedBy);
    byPath.set(keyPath, users);
  }
  return [...byPath].map(([keyPath, users]) => `${keyPath} (${joinUsers(users)})`).join(", ");
}

/** `role web` + `role workers` → `roles web, workers`; mixed kinds are listed as they are. */
function joinUsers(users: readonly string[]): string {
  const roles = users.filter((user) => user.startsWith("role "));
  if (roles.length > 1 && roles.length === users.length) {
    return `roles ${roles.map((user) => user.slice("role ".length)).join(", ")}`;
  }
  return users.join(", ");
}
