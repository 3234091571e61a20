// The messages between the primary and its workers (over cluster's IPC channel, JSON).
import type { TargetResolverSettings } from "../dns/resolver.js";
import type { MetricsSnapshot } from "../metrics/metrics.js";
import type { TableService } from "../server/router.js";

/** Primary → worker. */
export type ToWorker =
  /** Build this table and answer "prepared"; it is installed by the "commit" that follows. */
  | { type: "prepare"; version: number; services: TableService[] }
  /** Install the prepared table at wall-clock `at`, answer "switched", drain, answer "drained". */
  | { type: "commit"; version: number; at: number; drainTimeoutMs: number }
  /** Build and install this table now (health changes; a new worker's first table). */
  | { type: "apply"; version: number; services: TableService[] }
  | { type: "metrics"; id: number }
  | { type: "reply"; id: number; result: unknown }
  | { type: "shutdown" };

/** Worker → primary. */
export type FromWorker =
  | { type: "ready" }
  | { type: "listening"; ports: { http: number; https: number } }
  /** The worker could not listen (the port is taken, …) and exits. */
  | { type: "failed"; error: string }
  | { type: "prepared"; version: number }
  | { type: "switched"; version: number }
  | { type: "drained"; version: number }
  | { type: "metrics"; id: number; snapshot: MetricsSnapshot }
  | { type: "certificate"; id: number; kind: CertificateQuery; service: string; name: string }
  | { type: "log"; line: string };

/** What a worker asks the primary's certificate managers. */
export type CertificateQuery = "pem" | "httpChallenge" | "alpnChallenge";

/** The settings a worker is started with (in its environment, as JSON). */
export interface WorkerSettings {
  debug: boolean;
  httpPort: number;
  httpsPort: number;
  bind?: string | undefined;
  headerReadTimeoutMs?: number | undefined;
  idleTimeoutMs?: number | undefined;
  shutdownTimeoutMs?: number | undefined;
  /** Target name lookups, when not the defaults (tests). */
  resolver?: TargetResolverSettings | undefined;
  /** Send log lines to the primary instead of stdout (tests). */
  forwardLogs?: boolean | undefined;
}

/** The environment variable that carries a worker's settings. */
export const WORKER_SETTINGS_ENV = "DHOW_PROXY_WORKER_SETTINGS";
