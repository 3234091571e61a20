// The ACME certificate cache, in autocert's DirCache layout so a kamal-proxy volume can be reused: one file per
// domain holding the private key PEM followed by the certificate chain, plus "acme_account+key".
import { createHash, X509Certificate } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

export const ACCOUNT_KEY_FILE = "acme_account+key";

/** A certificate with its key, as stored. */
export interface CachedCertificate {
  keyPem: string;
  chainPem: string;
  notAfter: Date;
}

/** The per-directory cache path: `<cachePath>/<sha256hex(acmeDirectory)>` ("" = Let's Encrypt production). */
export function scopedCachePath(cachePath: string, acmeDirectory: string): string {
  return join(cachePath, createHash("sha256").update(acmeDirectory).digest("hex"));
}

/** Files under one scoped cache directory. */
export class AcmeCache {
  constructor(readonly dir: string) {}

  /** The stored certificate for a domain, or undefined when absent or unreadable. */
  async readCertificate(domain: string): Promise<CachedCertificate | undefined> {
    let text: string;
    try {
      text = await readFile(join(this.dir, safeName(domain)), "utf8");
    } catch {
      return undefined;
    }
    const blocks = text.match(/-----BEGIN ([A-Z ]+)-----[\s\S]+?-----END \1-----/g) ?? [];
    const keyPem = blocks.find((block) => /BEGIN (EC |RSA )?PRIVATE KEY/.test(block));
    const certs = blocks.filter((block) => block.startsWith("-----BEGIN CERTIFICATE"));
    if (!keyPem || certs.length === 0) return undefined;
    try {
      return { keyPem, chainPem: `${certs.join("\n")}\n`, notAfter: new Date(new X509Certificate(certs[0]!).validTo) };
    } catch {
      return undefined;
    }
  }

  /** Store key + chain in one file (mode 0600), atomically. */
  async writeCertificate(domain: string, keyPem: string, chainPem: string): Promise<void> {
    await this.write(safeName(domain), `${keyPem.trim()}\n${chainPem.trim()}\n`);
  }

  async readAccountKey(): Promise<string | undefined> {
    try {
      return await readFile(join(this.dir, ACCOUNT_KEY_FILE), "utf8");
    } catch {
      return undefined;
    }
  }

  async writeAccountKey(pem: string): Promise<void> {
    await this.write(ACCOUNT_KEY_FILE, pem);
  }

  private async write(name: string, text: string): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const path = join(this.dir, name);
    const temp = `${path}.${process.pid}.tmp`;
    await writeFile(temp, text, { mode: 0o600 });
    await rename(temp, path);
  }
}

function safeName(domain: string): string {
  if (domain === "" || domain.includes("/") || domain.includes("\\") || domain.startsWith(".")) {
    throw new Error(`invalid domain name for the certificate cache: ${JSON.stringify(domain)}`);
  }
  return domain;
}
