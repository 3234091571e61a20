// A worker's certificate manager for ACME services: the primary issues, renews and caches certificates and holds the
// ACME challenges; a worker asks it over IPC and keeps what it got for a while.
import { createSecureContext, type SecureContext } from "node:tls";
import type { CertificateQuery } from "./messages.js";
import type { CertManager } from "../tls/cert-manager.js";

/** Asks the primary; resolves undefined when it has no answer. */
export type AskPrimary = (kind: CertificateQuery, service: string, name: string) => Promise<unknown>;

/** How long a worker reuses a certificate before asking again (renewals reach workers within this time). */
const REFRESH_MS = 10 * 60 * 1000;

interface Pem {
  key: string;
  cert: string;
}

/** ACME certificates and challenges of one service, as the primary holds them. */
export class RemoteCertManager implements CertManager {
  readonly kind = "acme";
  private readonly certificates = new Map<string, { context: SecureContext; pem: Pem; fetchedAt: number }>();

  constructor(
    private readonly service: string,
    private readonly ask: AskPrimary,
  ) {}

  secureContext(servername: string): SecureContext | undefined | Promise<SecureContext | undefined> {
    const host = servername.toLowerCase();
    const cached = this.certificates.get(host);
    if (cached && Date.now() - cached.fetchedAt < REFRESH_MS) return cached.context;
    return this.ask("pem", this.service, host).then((answer) => {
      const pem = answer as Pem | undefined;
      if (!pem) return cached?.context;
      const context = createSecureContext(pem);
      this.certificates.set(host, { context, pem, fetchedAt: Date.now() });
      return context;
    });
  }

  pem(servername: string): Pem | undefined {
    return this.certificates.get(servername.toLowerCase())?.pem;
  }

  httpChallenge(token: string): Promise<string | undefined> {
    return this.ask("httpChallenge", this.service, token) as Promise<string | undefined>;
  }

  async alpnChallenge(servername: string): Promise<SecureContext | undefined> {
    const pem = (await this.ask("alpnChallenge", this.service, servername)) as Pem | undefined;
    return pem ? createSecureContext(pem) : undefined;
  }

  dispose(): void {}
}
