// Automatic certificates via ACME (acme-client): issued lazily on the first handshake for an allowed host, through
// TLS-ALPN-01 or HTTP-01, cached on disk in autocert's layout and renewed 30 days before expiry.
import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import type { Agent } from "node:https";
import { createSecureContext, type SecureContext } from "node:tls";
import * as acme from "acme-client";
import { ACME_PRODUCTION_DIRECTORY_URL, ACME_RENEW_BEFORE_MS, ACME_RETRY_AFTER_MS } from "../defaults.js";
import type { Logger } from "../log/logger.js";
import { AcmeCache } from "./acme-cache.js";
import type { CertManager } from "./cert-manager.js";

export type ChallengeType = "tls-alpn-01" | "http-01";

/** The slice of acme-client this manager uses; tests may pass a fake. */
export interface AcmeClientLike {
  auto(options: acme.ClientAutoOptions): Promise<string>;
}

export interface AcmeManagerOptions {
  logger: Logger;
  /** The scoped cache directory (see scopedCachePath). */
  cacheDir: string;
  /** "" means Let's Encrypt production. */
  directoryUrl: string;
  /** Host policy: the hosts allowed to get certificates. */
  hosts: readonly string[];
  /** On-demand TLS: asked before issuing for a host outside `hosts`. */
  onDemandAllowed?: ((host: string) => Promise<boolean>) | undefined;
  /** Challenge types in the order they are tried. */
  challenges?: readonly ChallengeType[] | undefined;
  /** Agent for talking to the ACME directory (a test CA, a proxy). */
  httpsAgent?: Agent | undefined;
  /** Build the ACME client (tests substitute a fake at this boundary). */
  clientFactory?: ((directoryUrl: string, accountKeyPem: string) => AcmeClientLike) | undefined;
}

interface Entry {
  context: SecureContext;
  notAfter: number;
  key: string;
  cert: string;
}

/** Certificates for one TLS service from an ACME CA. */
export class AcmeCertManager implements CertManager {
  readonly kind = "acme";
  private readonly options: AcmeManagerOptions;
  private readonly cache: AcmeCache;
  private readonly certificates = new Map<string, Entry>();
  private readonly issuing = new Map<string, Promise<SecureContext | undefined>>();
  private readonly failedAt = new Map<string, number>();
  private readonly httpTokens = new Map<string, string>();
  private readonly alpnContexts = new Map<string, SecureContext>();
  private readonly alpnPems = new Map<string, { key: string; cert: string }>();
  private client: Promise<AcmeClientLike> | undefined;
  private disposed = false;

  constructor(options: AcmeManagerOptions) {
    this.options = options;
    this.cache = new AcmeCache(options.cacheDir);
  }

  secureContext(servername: string): SecureContext | undefined | Promise<SecureContext | undefined> {
    const host = servername.toLowerCase();
    const entry = this.certificates.get(host);
    if (entry) {
      if (entry.notAfter - Date.now() < ACME_RENEW_BEFORE_MS) void this.obtain(host, true);
      return entry.context;
    }
    if (this.options.hosts.includes(host)) return this.obtain(host, false);
    const onDemand = this.options.onDemandAllowed;
    if (!onDemand || host === "") return undefined;
    return this.fromCache(host).then(async (cached) => {
      if (cached) return cached;
      if (!(await onDemand(host))) {
        this.options.logger.info("On-demand TLS denied", { host });
        return undefined;
      }
      return this.obtain(host, false);
    });
  }

  pem(servername: string): { key: string; cert: string } | undefined {
    const entry = this.certificates.get(servername.toLowerCase());
    return entry ? { key: entry.key, cert: entry.cert } : undefined;
  }

  httpChallenge(token: string): string | undefined {
    return this.httpTokens.get(token);
  }

  alpnChallenge(servername: string): SecureContext | undefined {
    return this.alpnContexts.get(servername.toLowerCase());
  }

  /** The TLS-ALPN-01 challenge key and certificate, for workers that answer the challenge handshake. */
  alpnChallengePem(servername: string): { key: string; cert: string } | undefined {
    return this.alpnPems.get(servername.toLowerCase());
  }

  dispose(): void {
    this.disposed = true;
  }

  /** Get a certificate from memory, the disk cache, or the CA (one issuance per host at a time). */
  private obtain(host: string, renew: boolean): Promise<SecureContext | undefined> {
    const running = this.issuing.get(host);
    if (running) return running;
    const work = (async () => {
      if (!renew) {
        const cached = await this.fromCache(host);
        if (cached) return cached;
      }
      const failed = this.failedAt.get(host);
      if (failed !== undefined && Date.now() - failed < ACME_RETRY_AFTER_MS)
        return this.certificates.get(host)?.context;
      try {
        return await this.issue(host);
      } catch (error) {
        this.failedAt.set(host, Date.now());
        this.options.logger.error("Unable to obtain certificate", { host, error: error as Error });
        return this.certificates.get(host)?.context;
      }
    })().finally(() => this.issuing.delete(host));
    this.issuing.set(host, work);
    return work;
  }

  /** A still-valid cached certificate; one inside the renewal window is served while a renewal runs. */
  private async fromCache(host: string): Promise<SecureContext | undefined> {
    const stored = await this.cache.readCertificate(host);
    if (!stored || stored.notAfter.getTime() <= Date.now()) return undefined;
    const context = this.remember(host, stored.keyPem, stored.chainPem, stored.notAfter.getTime());
    if (stored.notAfter.getTime() - Date.now() < ACME_RENEW_BEFORE_MS) {
      setImmediate(() => void this.obtain(host, true));
    }
    return context;
  }

  private async issue(host: string): Promise<SecureContext | undefined> {
    const { logger } = this.options;
    const client = await this.acmeClient();
    const key = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey;
    // Stored as SEC1 ("EC PRIVATE KEY") like autocert; acme-client's WebCrypto wants PKCS#8.
    const keyPem = key.export({ type: "sec1", format: "pem" }).toString();
    const [, csr] = await acme.crypto.createCsr(
      { commonName: host, altNames: [host] },
      key.export({ type: "pkcs8", format: "pem" }).toString(),
    );
    const challenges = this.options.challenges ?? ["tls-alpn-01", "http-01"];
    let lastError: Error | undefined;
    for (const type of challenges) {
      if (this.disposed) return undefined;
      logger.info("Requesting certificate", { host, challenge: type });
      try {
        const chainPem = await client.auto({
          csr,
          termsOfServiceAgreed: true,
          skipChallengeVerification: true,
          challengePriority: [type],
          challengeCreateFn: (authz, challenge, keyAuthorization) =>
            this.createChallenge(authz, challenge, keyAuthorization),
          challengeRemoveFn: async (authz, challenge) => this.removeChallenge(authz, challenge),
        });
        await this.cache.writeCertificate(host, keyPem, chainPem);
        const notAfter = new Date(acme.crypto.readCertificateInfo(chainPem).notAfter).getTime();
        logger.info("Certificate obtained", { host, challenge: type, not_after: new Date(notAfter).toISOString() });
        this.failedAt.delete(host);
        return this.remember(host, keyPem, chainPem, notAfter);
      } catch (error) {
        lastError = error as Error;
        logger.warn("ACME challenge failed", { host, challenge: type, error: lastError });
      }
    }
    throw lastError ?? new Error("no challenge types configured");
  }

  private async createChallenge(
    authz: acme.Authorization,
    challenge: { type: string; token: string },
    keyAuthorization: string,
  ): Promise<void> {
    if (challenge.type === "http-01") {
      this.httpTokens.set(challenge.token, keyAuthorization);
    } else if (challenge.type === "tls-alpn-01") {
      const alpnKey = await acme.crypto.createPrivateEcdsaKey();
      const [key, cert] = await acme.crypto.createAlpnCertificate(authz, keyAuthorization, alpnKey);
      const name = authz.identifier.value.toLowerCase();
      this.alpnContexts.set(name, createSecureContext({ key, cert }));
      this.alpnPems.set(name, { key: key.toString(), cert: cert.toString() });
    } else {
      throw new Error(`unsupported challenge ${challenge.type}`);
    }
  }

  private removeChallenge(authz: acme.Authorization, challenge: { type: string; token: string }): void {
    this.httpTokens.delete(challenge.token);
    if (challenge.type === "tls-alpn-01") {
      this.alpnContexts.delete(authz.identifier.value.toLowerCase());
      this.alpnPems.delete(authz.identifier.value.toLowerCase());
    }
  }

  private remember(host: string, keyPem: string, chainPem: string, notAfter: number): SecureContext {
    const context = createSecureContext({ key: keyPem, cert: chainPem });
    this.certificates.set(host, { context, notAfter, key: keyPem, cert: chainPem });
    return context;
  }

  private acmeClient(): Promise<AcmeClientLike> {
    this.client ??= (async () => {
      let accountKey = await this.cache.readAccountKey();
      if (!accountKey) {
        accountKey = generateKeyPairSync("ec", { namedCurve: "prime256v1" })
          .privateKey.export({ type: "sec1", format: "pem" })
          .toString();
        await this.cache.writeAccountKey(accountKey);
      }
      const pkcs8 = createPrivateKey(accountKey).export({ type: "pkcs8", format: "pem" }).toString();
      const directoryUrl = this.options.directoryUrl || ACME_PRODUCTION_DIRECTORY_URL;
      if (this.options.clientFactory) return this.options.clientFactory(directoryUrl, pkcs8);
      if (this.options.httpsAgent) acme.axios.defaults.httpsAgent = this.options.httpsAgent;
      return new acme.Client({ directoryUrl, accountKey: pkcs8 });
    })();
    this.client.catch(() => {
      this.client = undefined;
    });
    return this.client;
  }
}
