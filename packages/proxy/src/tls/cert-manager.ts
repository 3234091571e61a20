// Certificate managers: where a TLS service's certificates come from (custom PEM files or ACME).
import { readFileSync } from "node:fs";
import { createSecureContext, type SecureContext } from "node:tls";
import { X509Certificate } from "node:crypto";
import { CertificateLoadError } from "../errors.js";

/** The certificate source of one TLS service. */
export interface CertManager {
  /** The TLS context for a server name; undefined fails the handshake. May issue a certificate first (ACME). */
  secureContext(servername: string): SecureContext | undefined | Promise<SecureContext | undefined>;
  /** The key authorization for an ACME HTTP-01 token, when this manager is waiting on one. */
  httpChallenge(token: string): string | undefined | Promise<string | undefined>;
  /** The ACME TLS-ALPN-01 challenge context for a server name, when this manager is waiting on one. */
  alpnChallenge(servername: string): SecureContext | undefined | Promise<SecureContext | undefined>;
  /** The PEM key and certificate for a host, when already in memory (used for clients that send no SNI). */
  pem(servername: string): { key: string; cert: string } | undefined;
  /** The TLS-ALPN-01 challenge key and certificate (ACME), for workers of a multi-worker proxy. */
  alpnChallengePem?(servername: string): { key: string; cert: string } | undefined;
  /** A short description for `list --json` (e.g. "custom", "acme"). */
  readonly kind: string;
  dispose(): void;
}

/** A custom certificate (--tls-certificate-path/--tls-private-key-path), loaded once, used for every SNI. */
export class StaticCertManager implements CertManager {
  readonly kind = "custom";
  readonly context: SecureContext;
  readonly notAfter: Date;
  private readonly material: { key: string; cert: string };

  constructor(certificatePath: string, privateKeyPath: string) {
    let cert: Buffer;
    let key: Buffer;
    try {
      cert = readFileSync(certificatePath);
      key = readFileSync(privateKeyPath);
    } catch (error) {
      throw new CertificateLoadError(`unable to load TLS certificate: ${(error as Error).message}`);
    }
    this.material = { key: key.toString(), cert: cert.toString() };
    try {
      this.context = createSecureContext({ cert, key });
      this.notAfter = new Date(new X509Certificate(cert).validTo);
    } catch (error) {
      throw new CertificateLoadError(
        `unable to load TLS certificate ${certificatePath} with key ${privateKeyPath}: ${(error as Error).message}`,
      );
    }
  }

  secureContext(): SecureContext {
    return this.context;
  }

  pem(): { key: string; cert: string } {
    return this.material;
  }

  httpChallenge(): undefined {
    return undefined;
  }

  alpnChallenge(): undefined {
    return undefined;
  }

  dispose(): void {}
}
