// A target (one app container address): its state, in-flight requests, drain, health checks and upstream pool.
import { Pool } from "undici";
import { defaultResolver, type TargetResolver } from "../dns/resolver.js";
import type { Logger } from "../log/logger.js";
import { DrainingError, InvalidTargetError } from "../errors.js";
import { HealthCheck, type ProbeResult } from "./health-check.js";
import { type InflightLinks, InflightList } from "./inflight-list.js";
import { sendHeldWrites, whenHeldWritesSent } from "./lean/turn-writes.js";
import { LeanPool } from "./upstream/lean-pool.js";
import type { TargetOptions } from "./service-options.js";

export type TargetState = "adding" | "healthy" | "unhealthy" | "draining";

/** A request running on a target; cancel() ends it (504 if nothing was sent yet). */
export interface InflightRequest extends InflightLinks {
  cancel(reason: Error): void;
  /** Upgraded connections (WebSockets) are cut at the start of a drain. */
  hijacked: boolean;
}

const TARGET_PATTERN = /^(\w[-_.\w+]+)(:\d+)?$/;

/** Check a target address against kamal-proxy's pattern (host[:port], no scheme, no path). */
export function validateTargetAddress(address: string): void {
  if (!TARGET_PATTERN.test(address)) throw new InvalidTargetError(address);
}

export interface TargetInit {
  address: string;
  options: TargetOptions;
  readOnly?: boolean;
  logger: Logger;
  /** Name lookups for the pool, tunnels and health checks (default: the process-wide resolver). */
  resolver?: TargetResolver | undefined;
}

/** One upstream address and everything the proxy tracks about it. */
export class Target {
  readonly address: string;
  readonly readOnly: boolean;
  readonly options: TargetOptions;
  readonly hostname: string;
  readonly port: number;
  readonly logger: Logger;
  readonly resolver: TargetResolver;
  state: TargetState = "adding";
  lastProbe: ProbeResult | undefined;
  private poolInstance: Pool | undefined;
  private leanPoolInstance: LeanPool | undefined;
  private readonly inflight = new InflightList<InflightRequest>();
  private drainWaiter: (() => void) | undefined;
  private healthCheck: HealthCheck | undefined;
  private healthConsumer: ((target: Target) => void) | undefined;

  constructor({ address, options, readOnly = false, logger, resolver }: TargetInit) {
    validateTargetAddress(address);
    this.address = address;
    this.options = options;
    this.readOnly = readOnly;
    this.logger = logger;
    this.resolver = resolver ?? defaultResolver();
    const colon = address.lastIndexOf(":");
    this.hostname = colon === -1 ? address : address.slice(0, colon);
    this.port = colon === -1 ? 80 : Number(address.slice(colon + 1));
  }

  /** The keep-alive connection pool to this target (created on first use). */
  get pool(): Pool {
    this.poolInstance ??= new Pool(`http://${this.hostname}:${this.port}`, {
      connections: null,
      pipelining: 1,
      headersTimeout: this.options.responseTimeoutMs,
      bodyTimeout: 0,
      keepAliveTimeout: 4_000,
      keepAliveMaxTimeout: 60_000,
      connect: { lookup: this.resolver.lookupFunction },
    });
    return this.poolInstance;
  }

  /** The lean path's keep-alive connections to this target (created on first use). */
  get leanPool(): LeanPool {
    this.leanPoolInstance ??= new LeanPool(this.hostname, this.port, this.resolver.lookupFunction);
    return this.leanPoolInstance;
  }

  get inflightCount(): number {
    return this.inflight.size;
  }

  /** Register a request; false when the target is draining (the caller answers 503). */
  startRequest(request: InflightRequest): boolean {
    if (this.state === "draining") return false;
    this.inflight.add(request);
    return true;
  }

  /** Forget a finished request. */
  endRequest(request: InflightRequest): void {
    if (this.inflight.delete(request) && this.inflight.size === 0 && this.drainWaiter) {
      // A drain waits for this target's last answers: what is held for the turn (lean/turn-writes.ts) goes out now,
      // the rest of this answer at the end of the turn, and only then does the drain end.
      sendHeldWrites();
      whenHeldWritesSent(this.drainWaiter);
    }
  }

  /**
   * Stop taking requests, cut upgraded connections at once, let the rest finish until the deadline, then cancel
   * what remains with DrainingError. The previous state is restored afterwards (pause/stop reuse the target).
   */
  async drain(timeoutMs: number): Promise<void> {
    if (this.state === "draining") return;
    const original = this.state;
    this.state = "draining";
    try {
      for (const request of this.inflight.toArray()) {
        if (request.hijacked) request.cancel(new DrainingError());
      }
      if (this.inflight.size > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(finish, timeoutMs);
          function finish() {
            clearTimeout(timer);
            resolve();
          }
          this.drainWaiter = finish;
        });
        this.drainWaiter = undefined;
      }
      for (const request of this.inflight.toArray()) request.cancel(new DrainingError());
    } finally {
      this.state = original;
    }
  }

  /** Start probing; `consumer` hears about every state change. */
  beginHealthChecks(consumer: (target: Target) => void): void {
    this.healthConsumer = consumer;
    this.stopHealthChecks();
    const { path, port, intervalMs, timeoutMs, host } = this.options.healthCheck;
    const url = new URL(`http://${this.hostname}:${port > 0 ? port : this.port}`);
    url.pathname = path.startsWith("/") ? path : `/${path}`;
    this.healthCheck = new HealthCheck({
      url,
      host,
      intervalMs,
      timeoutMs,
      lookup: this.resolver.lookupFunction,
      onResult: (result) => this.healthCheckCompleted(result),
    });
  }

  stopHealthChecks(): void {
    this.healthCheck?.close();
    this.healthCheck = undefined;
  }

  /** Apply a probe result: adding/unhealthy → healthy on success; healthy → unhealthy on failure. */
  healthCheckCompleted(result: ProbeResult): void {
    this.lastProbe = result;
    const previous = this.state;
    if (result.ok) {
      if (previous !== "draining") this.state = "healthy";
    } else {
      this.logger.info("Healthcheck failed", { target: this.address, error: result.detail });
      if (previous === "healthy") this.state = "unhealthy";
    }
    if (this.state !== previous) {
      this.logger.info("Target health updated", { target: this.address, state: this.state, was: previous });
      this.healthConsumer?.(this);
    }
  }

  /** Stop health checks and close the connection pool (requests still running on it are allowed to finish). */
  dispose(): void {
    this.stopHealthChecks();
    const pool = this.poolInstance;
    this.poolInstance = undefined;
    pool?.close().catch(() => {});
    this.leanPoolInstance?.dispose();
    this.leanPoolInstance = undefined;
  }
}
