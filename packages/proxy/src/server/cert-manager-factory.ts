// Chooses a TLS service's certificate source: custom PEM files when given, otherwise ACME.
import type { Agent } from "node:https";
import type { Logger } from "../log/logger.js";
import type { ServiceOptions } from "./service-options.js";
import { type AcmeClientLike, AcmeCertManager, type ChallengeType } from "../tls/acme-manager.js";
import { scopedCachePath } from "../tls/acme-cache.js";
import { type CertManager, StaticCertManager } from "../tls/cert-manager.js";
import { askOnDemand } from "../tls/on-demand.js";

/** Server-wide TLS settings (mostly for tests: trust a local CA, choose challenges, fake the ACME client). */
export interface TlsSettings {
  acmeHttpsAgent?: Agent;
  challenges?: readonly ChallengeType[];
  acmeClientFactory?: (directoryUrl: string, accountKeyPem: string) => AcmeClientLike;
  /** Used when a deploy carries no --tls-acme-cache-path. */
  defaultCachePath?: string;
}

/** Per-service hooks the router provides (on-demand TLS asks the service's own target). */
export interface CertManagerHooks {
  targetAddress: () => string | undefined;
}

/** Build the factory the router calls for each TLS service; `settings` is read at each call (tests fill it late). */
export function createCertManagerFactory(settings: TlsSettings, logger: Logger) {
  return (_service: string, options: ServiceOptions, hooks?: CertManagerHooks): CertManager => {
    if (options.tlsCertificatePath !== "" && options.tlsPrivateKeyPath !== "") {
      return new StaticCertManager(options.tlsCertificatePath, options.tlsPrivateKeyPath);
    }
    const cachePath = options.acmeCachePath || settings.defaultCachePath || "certs";
    const onDemandUrl = options.tlsOnDemandUrl;
    return new AcmeCertManager({
      logger: logger,
      cacheDir: scopedCachePath(cachePath, options.acmeDirectory),
      directoryUrl: options.acmeDirectory,
      hosts: options.hosts.filter((host) => host !== "").map((host) => host.toLowerCase()),
      onDemandAllowed:
        onDemandUrl !== ""
          ? (host) =>
              askOnDemand(
                { url: onDemandUrl, targetAddress: hooks?.targetAddress ?? (() => undefined), logger: logger },
                host,
              )
          : undefined,
      challenges: settings.challenges,
      httpsAgent: settings.acmeHttpsAgent,
      clientFactory: settings.acmeClientFactory,
    });
  };
}
