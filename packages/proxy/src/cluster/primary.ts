// The primary of a multi-worker proxy. It owns the router (state file, health checks, ACME) and the control socket
// (opened by the caller), forks the workers that serve HTTP and HTTPS, and pushes the route table to them:
//
// - a change made by a command (deploy, remove, pause, stop, resume, rollout) is prepared by every worker, then
//   installed by all of them at one wall-clock instant chosen a little ahead, so no request anywhere sees the old
//   table after any request saw the new one; the command returns once every worker switched and drained what it
//   replaced;
// - a health change is sent to every worker at once, without waiting;
// - a worker that dies is replaced; the new one gets the current table before it listens.
import cluster, { type Worker } from "node:cluster";
import { existsSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import type { Logger } from "../log/logger.js";
import { Metrics } from "../metrics/metrics.js";
import type { Publisher, Router, TableService } from "../server/router.js";
import type { FromWorker, ToWorker, WorkerSettings } from "./messages.js";
import { WORKER_SETTINGS_ENV } from "./messages.js";

/** How far ahead a switch is scheduled: enough for the commit message to reach every worker first. */
export const SWITCH_DELAY_MS = 100;
/** First and longest wait before replacing a worker that died again without ever listening. */
const RESTART_DELAY_MS = 100;
const MAX_RESTART_DELAY_MS = 10_000;
/** How long a metrics scrape waits for a worker's numbers. */
const METRICS_TIMEOUT_MS = 1000;

export interface PrimaryOptions {
  router: Router;
  logger: Logger;
  workers: number;
  settings: WorkerSettings;
  /** Prometheus listener port (0 picks a free one); undefined for none. */
  metricsPort?: number | undefined;
  /** The worker entry script (default: worker-main.js beside this module, in dist/). */
  exec?: string | undefined;
  /** Where log lines forwarded by workers go (settings.forwardLogs). */
  workerLogSink?: ((line: string) => void) | undefined;
}

interface WorkerHandle {
  readonly worker: Worker;
  /** Sent its first table: later changes go to it in two phases; before, it gets them whole. */
  fed: boolean;
  listening: boolean;
  readonly waiters: Map<string, () => void>;
}

/** Forks, feeds and replaces the workers. */
export class ClusterPrimary {
  readonly ports = { http: 0, https: 0, metrics: 0 };
  private readonly options: PrimaryOptions;
  private readonly handles = new Map<number, WorkerHandle>();
  private committed: { version: number; services: TableService[] } = { version: 0, services: [] };
  private version = 0;
  private chain: Promise<void> = Promise.resolve();
  private stopping = false;
  private metricsServer: http.Server | undefined;
  private readonly metricsAnswers = new Map<number, (snapshot: FromWorker & { type: "metrics" }) => void>();
  private nextMetricsId = 1;
  private listeningWaiters: (() => void)[] = [];
  private restartDelayMs = RESTART_DELAY_MS;
  private failStart: ((error: Error) => void) | undefined;
  /** Resolves once the first workers listen (or could not): commands sent earlier return only then. */
  private readonly started: Promise<void>;
  private markStarted: () => void = () => {};

  constructor(options: PrimaryOptions) {
    this.options = options;
    this.started = new Promise((resolve) => {
      this.markStarted = resolve;
    });
    options.router.setPublisher(this.publish);
  }

  /** Worker processes currently running. */
  get workerPids(): number[] {
    return [...this.handles.values()].map((handle) => handle.worker.process.pid!);
  }

  /** Workers that listen now. */
  get listeningWorkers(): number {
    return this.listeningCount();
  }

  /** Fork every worker and resolve once all of them listen. */
  async start(): Promise<void> {
    cluster.setupPrimary({
      exec: this.options.exec ?? defaultWorkerEntry(),
      args: [],
      execArgv: withServingFlags(process.execArgv),
    });
    this.committed = { version: this.version, services: this.options.router.snapshot() };
    const failed = new Promise<never>((_, reject) => {
      this.failStart = reject;
    });
    for (let i = 0; i < this.options.workers; i++) this.fork();
    try {
      await Promise.race([this.allListening(), failed]);
    } catch (error) {
      await this.stop();
      throw error;
    } finally {
      this.failStart = undefined;
      this.markStarted();
    }
    if (this.options.metricsPort !== undefined) await this.startMetrics(this.options.metricsPort);
    this.options.logger.info("Workers started", {
      workers: this.options.workers,
      http: this.ports.http,
      https: this.ports.https,
      metrics: this.ports.metrics,
    });
  }

  /** Resolves once as many workers as configured listen (after start, or after a replacement). */
  allListening(): Promise<void> {
    if (this.listeningCount() >= this.options.workers) return Promise.resolve();
    return new Promise((resolve) => this.listeningWaiters.push(resolve));
  }

  /** Ask every worker to finish its requests and exit; resolve when all have. */
  async stop(): Promise<void> {
    this.stopping = true;
    const exits = [...this.handles.values()].map(
      (handle) => new Promise<void>((resolve) => handle.worker.once("exit", () => resolve())),
    );
    for (const handle of this.handles.values()) this.send(handle, { type: "shutdown" });
    await Promise.all(exits);
    await new Promise<void>((resolve) => (this.metricsServer ? this.metricsServer.close(() => resolve()) : resolve()));
    this.options.logger.info("Workers stopped");
  }

  /** The router's publisher: pushes every change to the workers (see the module comment). */
  private readonly publish: Publisher = async ({ kind, drainTimeoutMs }) => {
    if (kind === "health") {
      this.chain = this.chain.then(() => {
        const table = { version: ++this.version, services: this.options.router.snapshot() };
        this.committed = table;
        for (const handle of this.handles.values()) this.send(handle, { type: "apply", ...table });
      });
      return;
    }
    let finished: Promise<unknown> = Promise.resolve();
    const step = this.chain.then(async () => {
      const version = ++this.version;
      const services = this.options.router.snapshot();
      const set = [...this.handles.values()].filter((handle) => handle.fed);
      const prepared = set.map((handle) => this.expect(handle, `prepared:${version}`));
      for (const handle of set) this.send(handle, { type: "prepare", version, services });
      await Promise.all(prepared);
      const at = Date.now() + SWITCH_DELAY_MS;
      finished = Promise.all(
        set.flatMap((handle) => [
          this.expect(handle, `switched:${version}`),
          this.expect(handle, `drained:${version}`),
        ]),
      );
      for (const handle of set) this.send(handle, { type: "commit", version, at, drainTimeoutMs });
      this.committed = { version, services };
      for (const handle of this.handles.values()) {
        if (!set.includes(handle)) this.send(handle, { type: "apply", version, services });
      }
    });
    this.chain = step.catch(() => {});
    await step;
    await finished;
    // A command sent while the workers start returns once they serve (they listen with its table installed).
    await this.started;
  };

  private fork(): void {
    const worker = cluster.fork({ [WORKER_SETTINGS_ENV]: JSON.stringify(this.options.settings) });
    const handle: WorkerHandle = { worker, fed: false, listening: false, waiters: new Map() };
    this.handles.set(worker.id, handle);
    worker.on("message", (message: FromWorker) => this.receive(handle, message));
    worker.on("error", () => {});
    worker.once("exit", (code, signal) => {
      this.handles.delete(worker.id);
      for (const release of handle.waiters.values()) release();
      handle.waiters.clear();
      if (this.stopping) return;
      // A worker that never listened is replaced after a growing delay, so a lasting failure does not spin.
      const delay = handle.listening ? 0 : this.restartDelayMs;
      if (!handle.listening) this.restartDelayMs = Math.min(this.restartDelayMs * 2, MAX_RESTART_DELAY_MS);
      this.options.logger.error("Worker exited; starting a new one", {
        pid: worker.process.pid,
        code,
        signal,
        delay_ms: delay,
      });
      setTimeout(() => {
        if (!this.stopping) this.fork();
      }, delay).unref();
    });
  }

  private receive(handle: WorkerHandle, message: FromWorker): void {
    switch (message.type) {
      case "ready":
        // The current table first; the worker listens only once it is installed.
        this.send(handle, { type: "apply", ...this.committed });
        handle.fed = true;
        return;
      case "failed":
        this.options.logger.error("Worker could not start", { pid: handle.worker.process.pid, error: message.error });
        this.failStart?.(new Error(message.error));
        return;
      case "listening":
        handle.listening = true;
        this.restartDelayMs = RESTART_DELAY_MS;
        this.ports.http = message.ports.http;
        this.ports.https = message.ports.https;
        if (this.listeningCount() >= this.options.workers) {
          const waiters = this.listeningWaiters;
          this.listeningWaiters = [];
          for (const resolve of waiters) resolve();
        }
        return;
      case "prepared":
      case "switched":
      case "drained": {
        const key = `${message.type}:${message.version}`;
        handle.waiters.get(key)?.();
        handle.waiters.delete(key);
        return;
      }
      case "metrics":
        this.metricsAnswers.get(message.id)?.(message);
        return;
      case "certificate":
        void this.answerCertificate(message).then(
          (result) => this.send(handle, { type: "reply", id: message.id, result: result ?? null }),
          (error: Error) => {
            this.options.logger.error("Certificate request failed", { service: message.service, error });
            this.send(handle, { type: "reply", id: message.id, result: null });
          },
        );
        return;
      case "log":
        this.options.workerLogSink?.(message.line);
        return;
    }
  }

  /** Answer a worker's certificate question from the primary's certificate managers. */
  private async answerCertificate(message: FromWorker & { type: "certificate" }): Promise<unknown> {
    const manager = this.options.router.service(message.service)?.certManager;
    if (!manager) return undefined;
    switch (message.kind) {
      case "pem":
        if (!(await manager.secureContext(message.name))) return undefined;
        return manager.pem(message.name);
      case "httpChallenge":
        return manager.httpChallenge(message.name);
      case "alpnChallenge":
        return manager.alpnChallengePem?.(message.name);
    }
  }

  /** A promise for a worker's acknowledgement; a worker that exits releases it. */
  private expect(handle: WorkerHandle, key: string): Promise<void> {
    if (!this.handles.has(handle.worker.id)) return Promise.resolve();
    return new Promise((resolve) => handle.waiters.set(key, resolve));
  }

  private send(handle: WorkerHandle, message: ToWorker): void {
    if (handle.worker.isConnected()) handle.worker.send(message);
  }

  private listeningCount(): number {
    return [...this.handles.values()].filter((handle) => handle.listening).length;
  }

  /** Prometheus: every worker's numbers added up (workers that do not answer in time are left out). */
  private async startMetrics(port: number): Promise<void> {
    const server = http.createServer((_req, res) => {
      void this.collectMetrics().then((metrics) => {
        const body = metrics.render();
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
        res.end(body);
      });
    });
    this.metricsServer = server;
    await new Promise<void>((resolve) => server.listen(port, this.options.settings.bind, resolve));
    this.ports.metrics = (server.address() as AddressInfo).port;
  }

  private async collectMetrics(): Promise<Metrics> {
    const total = new Metrics();
    const answers = [...this.handles.values()]
      .filter((handle) => handle.listening)
      .map(
        (handle) =>
          new Promise<void>((resolve) => {
            const id = this.nextMetricsId++;
            const timer = setTimeout(done, METRICS_TIMEOUT_MS);
            const self = this;
            function done(message?: FromWorker & { type: "metrics" }) {
              clearTimeout(timer);
              self.metricsAnswers.delete(id);
              if (message) total.absorb(message.snapshot);
              resolve();
            }
            this.metricsAnswers.set(id, done);
            this.send(handle, { type: "metrics", id });
          }),
      );
    await Promise.all(answers);
    return total;
  }
}

/**
 * V8 flags for the processes that serve traffic: the old generation starts at 64 MB rather than being sized from the
 * proxy's small live heap (~15 MB). It was added when full GCs under load every ~0.4 s doubled an aged proxy's
 * p99; most of that turned out to be requests the young-generation GC could not free (see server/inflight-list.ts),
 * and since that fix an idle or TLS-loaded proxy measured as well without the flag as with it. It is kept, being
 * harmless, as headroom against full GCs (packages/proxy/bench/README.md). Heap limits must be given at start-up
 * (`v8.setFlagsFromString` comes too late, and NODE_OPTIONS refuses this flag).
 */
export const SERVING_V8_FLAGS: readonly string[] = ["--initial-old-space-size=64"];

/** `execArgv` with each of SERVING_V8_FLAGS the caller did not set itself. */
export function withServingFlags(execArgv: readonly string[]): string[] {
  const name = (flag: string) => flag.split("=")[0]!.replace(/_/g, "-");
  const given = new Set(execArgv.map(name));
  return [...execArgv, ...SERVING_V8_FLAGS.filter((flag) => !given.has(name(flag)))];
}

/** worker-main.js beside this module; from the TypeScript sources (tests), the compiled one in dist/. */
export function defaultWorkerEntry(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith(".js")) return here.replace(/primary\.js$/, "worker-main.js");
  const compiled = here.replace(/\/src\/cluster\/primary\.ts$/, "/dist/src/cluster/worker-main.js");
  if (!existsSync(compiled)) throw new Error(`${compiled} is missing: run npm run build`);
  return compiled;
}
