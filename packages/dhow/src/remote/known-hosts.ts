/**
 * @module
 * Host key checking against known_hosts files, the way net-ssh's default (`accept_new_or_local_tunnel`,
 * which Kamal uses) behaves for dhow: a listed host must present a listed key (otherwise the connection is
 * refused — a changed key may be an attack); a host that is not listed is accepted (dhow does not write
 * known_hosts). Plain, `[host]:port`, comma-separated and hashed (`|1|salt|hmac`) entries are understood;
 * `@revoked` keys are refused and `@cert-authority` lines ignored.
 */
import { createHmac } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";

/** One key line. */
export interface KnownHostEntry {
  readonly hosts: readonly string[];
  /** e.g. `ssh-ed25519`. */
  readonly keyType: string;
  /** Base64 public key blob. */
  readonly key: string;
  readonly revoked: boolean;
}

/** The verdict for a presented key. */
export type HostKeyVerdict = "match" | "unknown" | "mismatch" | "revoked";

/** Parses known_hosts text (comments, blank lines and @cert-authority lines are skipped). */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const fields = line.split(/\s+/);
    let revoked = false;
    if (fields[0]?.startsWith("@")) {
      const marker = fields.shift();
      if (marker === "@cert-authority") continue;
      revoked = marker === "@revoked";
    }
    const [hosts, keyType, key] = fields;
    if (!hosts || !keyType || !key) continue;
    entries.push({ hosts: hosts.split(","), keyType, key, revoked });
  }
  return entries;
}

/** Reads and parses known_hosts files that exist. */
export function loadKnownHosts(files: readonly string[]): KnownHostEntry[] {
  return files.filter((file) => existsSync(file)).flatMap((file) => parseKnownHosts(readFileSync(file, "utf8")));
}

/**
 * The host key algorithms to offer for a listed host, so that it presents a key of a listed type (the way
 * OpenSSH prefers known types); undefined when the host is not listed.
 */
export function hostKeyAlgorithms(
  entries: readonly KnownHostEntry[],
  host: string,
  port: number,
): string[] | undefined {
  const name = port === 22 ? host : `[${host}]:${port}`;
  const types = new Set(
    entries.filter((entry) => !entry.revoked && entry.hosts.some((p) => hostMatches(p, name))).map((e) => e.keyType),
  );
  if (types.size === 0) return undefined;
  return [...types].flatMap((type) => (type === "ssh-rsa" ? ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"] : [type]));
}

/** Checks the key a host presented (raw SSH public key blob) against the entries for `host:port`. */
export function checkHostKey(
  entries: readonly KnownHostEntry[],
  host: string,
  port: number,
  key: Buffer,
): HostKeyVerdict {
  const name = port === 22 ? host : `[${host}]:${port}`;
  const presented = key.toString("base64");
  let listed = false;
  for (const entry of entries) {
    if (!entry.hosts.some((pattern) => hostMatches(pattern, name))) continue;
    if (entry.key === presented) {
      if (entry.revoked) return "revoked";
      return "match";
    }
    if (!entry.revoked) listed = true;
  }
  return listed ? "mismatch" : "unknown";
}

function hostMatches(pattern: string, name: string): boolean {
  if (pattern.startsWith("|1|")) {
    const [, , salt, hash] = pattern.split("|");
    if (!salt || !hash) return false;
    return createHmac("sha1", Buffer.from(salt, "base64")).update(name).digest("base64") === hash;
  }
  if (pattern.startsWith("!")) return false;
  if (/[*?]/.test(pattern)) {
    const source = pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".");
    return new RegExp(`^${source}$`, "i").test(name);
  }
  return pattern.toLowerCase() === name.toLowerCase();
}
