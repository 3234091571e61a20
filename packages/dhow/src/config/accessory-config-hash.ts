/**
 * @module
 * Drift detection for accessories (dhow only): a short hash of an accessory's effective container config,
 * which `docker run` records as the label `dhow.config-hash` (commands/accessory.ts), so that a later
 * deploy can compare the running container's label with the current config's hash and name the
 * accessories whose config changed since they were booted.
 *
 * What the hash covers: the image (with its registry), the container name, `cmd`, the published port, the
 * network, clear env values, secret env NAMES and a hash of their values (a secret's value never appears,
 * but a rotated secret changes the hash), `volumes`, each file's mapping and a hash of its local content
 * (of the template for `*.erb` files: the env it is rendered with is covered already; not its absolute
 * local path, which differs between checkouts), each directory's
 * mapping, `options` (restart policy included), `labels`, `healthcheck`, the accessory's `proxy` section
 * and the root `logging` (accessories use it). Not covered: hosts (a new host is a boot, not a change)
 * and `depends_on` (it changes the boot order, not the container).
 *
 * The label is only added when the config uses dhow's dependency features (any `depends_on`, or any
 * accessory `healthcheck`; see usesDependencyFeatures): a config without dhow's keys runs exactly Kamal's
 * `docker run`, byte for byte.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { isHash } from "../ruby.js";
import type { RawConfig } from "./raw-config.js";
import type { Accessory } from "./sections/accessory.js";

/** Hex characters of the SHA-256 kept in the label. */
export const CONFIG_HASH_LENGTH = 12;

/** What accessoryConfigHash reads besides the accessory. */
export interface ConfigHashOptions {
  /** The root `logging` section as written (accessories run with it). */
  readonly logging: unknown;
  /** Reads a local file; undefined when it cannot be read (the default reads from disk). */
  readonly readFile?: (path: string) => Buffer | undefined;
}

/** The accessory's effective-config hash: 12 lower-case hex characters of a SHA-256. */
export function accessoryConfigHash(accessory: Omit<Accessory, "configHash">, options: ConfigHashOptions): string {
  const readFile = options.readFile ?? readLocalFile;
  const secretValues = accessory.env.secretValues();
  const effective = {
    image: accessory.image,
    serviceName: accessory.serviceName,
    cmd: accessory.cmd ?? null,
    port: accessory.port ?? null,
    network: accessory.network,
    env: {
      clear: accessory.env.clear,
      secretNames: accessory.env.secretKeys,
      secretValues: sha256(canonicalJson(secretValues)),
    },
    volumes: accessory.specificVolumes,
    files: accessory.files.map((file) => {
      const content = readFile(file.local);
      return {
        hostPath: file.hostPath,
        containerPath: file.containerPath,
        options: file.options ?? null,
        mode: file.mode ?? null,
        owner: file.owner ?? null,
        content: content === undefined ? "missing" : sha256(content),
      };
    }),
    directories: accessory.directories.map((directory) => ({
      hostPath: directory.hostPath,
      containerPath: directory.containerPath,
      options: directory.options ?? null,
      mode: directory.mode ?? null,
      owner: directory.owner ?? null,
    })),
    options: accessory.options,
    labels: accessory.labels,
    healthcheck: accessory.healthcheck ?? null,
    proxy: accessory.raw.proxy ?? null,
    logging: options.logging ?? null,
  };
  return sha256(canonicalJson(effective)).slice(0, CONFIG_HASH_LENGTH);
}

/** Whether a raw config uses dhow's dependency features: any `depends_on` or any accessory `healthcheck`. */
export function usesDependencyFeatures(raw: RawConfig): boolean {
  const has = (section: unknown, key: string) => isHash(section) && Object.hasOwn(section, key);
  const servers = isHash(raw.servers) ? Object.values(raw.servers) : [];
  const accessories = isHash(raw.accessories) ? Object.values(raw.accessories) : [];
  return (
    servers.some((role) => has(role, "depends_on")) ||
    accessories.some((accessory) => has(accessory, "depends_on") || has(accessory, "healthcheck"))
  );
}

function readLocalFile(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * JSON with object keys sorted at every level, so equal configs hash equally whatever the YAML key order;
 * bigints as strings, dates as ISO strings. Written by hand: JSON.stringify has no stable key order.
 */
function canonicalJson(value: unknown): string {
  if (value === undefined || value === null) return "null";
  if (typeof value === "bigint") return JSON.stringify(value.toString());
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
