/**
 * @module
 * Where a config names secrets, and which of them a command will read: role env (root, role and tag
 * `env/secret`), custom TLS certificates, accessory env and registries, the registry login and the builder's
 * secrets. Flows check these before building or touching a host (flows/require-secrets.ts); Kamal looks
 * each secret up only when it is first used, so a missing one used to surface at container boot.
 */
import { isHash as isPlainObject } from "../ruby.js";
import type { Accessory, Config, RegistryConfig, Role } from "./config.js";
import type { RawEnv, RawRegistry } from "./raw-config.js";

/** One place where the config names a secret. */
export interface SecretReference {
  /** The name looked up in the secrets files (the part after `:` of `NAME:SECRET_NAME`). */
  readonly secret: string;
  /** Kamal's key path of the reference, e.g. `env/secret`, `servers/web/env/secret`, `registry/password`. */
  readonly keyPath: string;
  /** What needs it: `role web`, `accessory db`, `registry login`, `build`. */
  readonly usedBy: string;
}

/** What a command will do, as far as secrets go. */
export interface SecretNeeds {
  /** Log in to the root registry (no secrets for a local registry). */
  readonly registry?: boolean;
  /** Build the image (`builder/secrets`). */
  readonly builder?: boolean;
  /** Boot these roles on these hosts (env with the hosts' tags, custom TLS certificates). */
  readonly roles?: readonly { readonly role: Role; readonly hosts: readonly string[] }[];
  /** Boot these accessories (their env, and the login to their registry or the root one). */
  readonly accessories?: readonly Accessory[];
}

/** Every secret reference `needs` implies, in config order. */
export function secretReferences(config: Config, needs: SecretNeeds): SecretReference[] {
  const references: SecretReference[] = [];
  if (needs.registry) references.push(...registryReferences(config.registry, config.raw.registry, "registry"));
  if (needs.builder) {
    for (const secret of config.builder.secretNames) {
      references.push({ secret, keyPath: "builder/secrets", usedBy: "build" });
    }
  }
  for (const { role, hosts } of needs.roles ?? []) references.push(...roleReferences(config, role, hosts));
  for (const accessory of needs.accessories ?? []) {
    const prefix = `accessories/${accessory.name}`;
    for (const key of accessory.env.secretKeys) {
      references.push({
        secret: lookupName(key),
        keyPath: `${prefix}/env/secret`,
        usedBy: `accessory ${accessory.name}`,
      });
    }
    references.push(
      ...(accessory.registry
        ? registryReferences(accessory.registry, accessory.raw.registry, `${prefix}/registry`)
        : registryReferences(config.registry, config.raw.registry, "registry")),
    );
  }
  const seen = new Set<string>();
  return references.filter((reference) => {
    const key = `${reference.secret}\0${reference.keyPath}\0${reference.usedBy}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** `NAME` → NAME, `NAME:SECRET_NAME` → SECRET_NAME (Kamal's aliased secret). */
function lookupName(key: string): string {
  const [name = key, aliasedTo] = key.split(":");
  return aliasedTo ?? name;
}

function registryReferences(
  registry: RegistryConfig,
  raw: RawRegistry | undefined,
  keyPath: string,
): SecretReference[] {
  if (registry.local || !isPlainObject(raw)) return [];
  const references: SecretReference[] = [];
  for (const field of ["username", "password"] as const) {
    const value = raw[field];
    if (Array.isArray(value) && value.length > 0) {
      references.push({ secret: String(value[0]), keyPath: `${keyPath}/${field}`, usedBy: "registry login" });
    }
  }
  return references;
}

/** The secrets of a role's env on `hosts` (as `Role#env` merges them) and of its custom TLS certificate. */
function roleReferences(config: Config, role: Role, hosts: readonly string[]): SecretReference[] {
  const usedBy = `role ${role.name}`;
  const rawRole = isPlainObject(config.raw.servers) ? (config.raw.servers as Record<string, unknown>)[role.name] : {};
  const roleEnv = isPlainObject(rawRole) ? (rawRole["env"] as RawEnv | undefined) : undefined;
  const tags = [...new Set(hosts.flatMap((host) => role.tags(host)))];
  const rootTags = isPlainObject(config.raw.env) ? (config.raw.env as { tags?: Record<string, RawEnv> }).tags : {};
  // Where each key may be written, most general first; the merged env decides which keys are used.
  const places: [string, readonly string[]][] = [
    ["env/secret", secretKeysOf(config.raw.env)],
    [`servers/${role.name}/env/secret`, secretKeysOf(roleEnv)],
    ...tags.map((tag): [string, readonly string[]] => [`env/tags/${tag}/secret`, secretKeysOf(rootTags?.[tag])]),
  ];
  const used = new Set(hosts.flatMap((host) => role.env(host).secretKeys));
  const references: SecretReference[] = [];
  for (const key of used) {
    const written = places.filter(([, keys]) => keys.includes(key)).map(([keyPath]) => keyPath);
    for (const keyPath of written.length > 0 ? written : [`servers/${role.name}/env/secret`]) {
      references.push({ secret: lookupName(key), keyPath, usedBy });
    }
  }
  const proxy = role.runningProxy ? role.proxy : undefined;
  if (proxy?.customSslCertificate) {
    const rawProxy = isPlainObject(rawRole) ? rawRole["proxy"] : undefined;
    const ownSsl = isPlainObject(rawProxy) && isPlainObject(rawProxy["ssl"]);
    const ssl = isPlainObject(proxy.raw.ssl) ? (proxy.raw.ssl as Record<string, unknown>) : {};
    for (const field of ["certificate_pem", "private_key_pem"]) {
      if (ssl[field]) {
        const keyPath = `${ownSsl ? `servers/${role.name}/` : ""}proxy/ssl/${field}`;
        references.push({ secret: String(ssl[field]), keyPath, usedBy });
      }
    }
  }
  return references;
}

function secretKeysOf(env: RawEnv | undefined): readonly string[] {
  const secret = isPlainObject(env) ? (env as { secret?: unknown }).secret : undefined;
  return Array.isArray(secret) ? secret.map(String) : [];
}
