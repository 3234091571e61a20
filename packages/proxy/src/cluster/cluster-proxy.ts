// A multi-worker proxy assembled: the router (state, health checks, ACME) in this process, workers serving traffic.
import { join } from "node:path";
import { STATE_FILE_NAME } from "../defaults.js";
import type { TargetResolver } from "../dns/resolver.js";
import type { Logger } from "../log/logger.js";
import { createCertManagerFactory, type TlsSettings } from "../server/cert-manager-factory.js";
import { Router } from "../server/router.js";
import { ClusterPrimary } from "./primary.js";

export interface ClusterProxyConfig {
  logger: Logger;
  /** Worker processes (at least 2; one process serves alone without this module). */
  workers: number;
  httpPort: number;
  httpsPort: number;
  metricsPort?: number | undefined;
  bind?: string | undefined;
  /** Directory of the state file; undefined disables persistence. */
  stateDir?: string | undefined;
  headerReadTimeoutMs?: number | undefined;
  idleTimeoutMs?: number | undefined;
  shutdownTimeoutMs?: number | undefined;
  tls?: TlsSettings;
  /** Name lookups of the primary's health checks. */
  resolver?: TargetResolver | undefined;
  debug?: boolean;
  /** Receive the workers' log lines here instead of their stdout (tests). */
  workerLogSink?: ((line: string) => void) | undefined;
  /** The worker entry script (default: the compiled worker-main.js). */
  exec?: string | undefined;
}

/** A running multi-worker proxy. */
export interface ClusterProxy {
  readonly router: Router;
  readonly primary: ClusterPrimary;
  readonly ports: { http: number; https: number; metrics: number };
  stop(): Promise<void>;
}

/**
 * Restore state, run `beforeWorkers` (the CLI opens the control socket there, so commands sent while the workers
 * start are accepted: workers install whatever table is current before they listen), then start the workers.
 */
export async function startClusterProxy(
  config: ClusterProxyConfig,
  beforeWorkers?: (router: Router, primary: ClusterPrimary) => Promise<void>,
): Promise<ClusterProxy> {
  const router = new Router({
    logger: config.logger,
    statePath: config.stateDir ? join(config.stateDir, STATE_FILE_NAME) : undefined,
    certManagerFactory: createCertManagerFactory(config.tls ?? {}, config.logger),
    resolver: config.resolver,
  });
  await router.restoreState();
  const primary = new ClusterPrimary({
    router,
    logger: config.logger,
    workers: config.workers,
    metricsPort: config.metricsPort,
    exec: config.exec,
    workerLogSink: config.workerLogSink,
    settings: {
      debug: config.debug ?? false,
      httpPort: config.httpPort,
      httpsPort: config.httpsPort,
      bind: config.bind,
      headerReadTimeoutMs: config.headerReadTimeoutMs,
      idleTimeoutMs: config.idleTimeoutMs,
      shutdownTimeoutMs: config.shutdownTimeoutMs,
      forwardLogs: config.workerLogSink !== undefined,
      resolver: config.resolver?.settings,
    },
  });
  await beforeWorkers?.(router, primary);
  await primary.start();
  return {
    router,
    primary,
    ports: primary.ports,
    stop: async () => {
      await primary.stop();
      router.dispose();
    },
  };
}
