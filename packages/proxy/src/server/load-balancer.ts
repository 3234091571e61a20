// Load balancer: round-robin over healthy writers and readers, health-check bookkeeping, wait-until-healthy, drain.
import type { TargetResolver } from "../dns/resolver.js";
import type { Logger } from "../log/logger.js";
import type { Exchange } from "./exchange.js";
import { hasWriterCookie, isReadRequest } from "./middleware/writer-affinity.js";
import type { TargetOptions } from "./service-options.js";
import { Target } from "./target.js";

export interface LoadBalancerInit {
  writers: readonly string[];
  readers: readonly string[];
  targetOptions: TargetOptions;
  writerAffinityTimeoutMs: number;
  readTargetsAcceptWebsockets: boolean;
  logger: Logger;
  resolver?: TargetResolver | undefined;
  /** Called after a target's health changed the healthy sets. */
  onHealthChange?: (() => void) | undefined;
}

/** The set of targets a service (or its rollout slot) sends requests to. */
export class LoadBalancer {
  readonly all: readonly Target[];
  readonly writerAffinityTimeoutMs: number;
  readonly readTargetsAcceptWebsockets: boolean;
  readonly hasReaders: boolean;
  private healthyWriters: Target[] = [];
  private healthyReaders: Target[] = [];
  private writerIndex = 0;
  private readerIndex = 0;
  private healthyWaiters: (() => void)[] = [];
  private disposed = false;
  private readonly onHealthChange: (() => void) | undefined;

  constructor(init: LoadBalancerInit) {
    const { writers, readers, targetOptions, logger, resolver } = init;
    this.all = [
      ...writers.map((address) => new Target({ address, options: targetOptions, logger, resolver })),
      ...readers.map((address) => new Target({ address, options: targetOptions, readOnly: true, logger, resolver })),
    ];
    this.writerAffinityTimeoutMs = init.writerAffinityTimeoutMs;
    this.readTargetsAcceptWebsockets = init.readTargetsAcceptWebsockets;
    this.hasReaders = readers.length > 0;
    this.onHealthChange = init.onHealthChange;
  }

  get writers(): Target[] {
    return this.all.filter((t) => !t.readOnly);
  }

  get readers(): Target[] {
    return this.all.filter((t) => t.readOnly);
  }

  get multiTarget(): boolean {
    return this.all.length > 1;
  }

  /** True once every target (readers included) is healthy. */
  get allHealthy(): boolean {
    return this.all.every((t) => t.state === "healthy");
  }

  /** Start probing every target. */
  beginHealthChecks(): void {
    for (const target of this.all) target.beginHealthChecks(() => this.healthChanged());
  }

  /** Replicas: take the states the primary's health checks found (keyed by address), without probing. */
  applyStates(states: (address: string) => string | undefined): void {
    for (const target of this.all) {
      const state = states(target.address);
      if (state === "adding" || state === "healthy" || state === "unhealthy") target.state = state;
    }
    this.updateHealthyTargets();
  }

  /** Restore path: trust the saved targets without probing; multi-target LBs keep checking. */
  markAllHealthy(): void {
    for (const target of this.all) target.state = "healthy";
    this.updateHealthyTargets();
    if (this.multiTarget) {
      for (const target of this.all) target.beginHealthChecks(() => this.healthChanged());
    }
  }

  private healthChanged(): void {
    this.updateHealthyTargets();
    if (!this.disposed) this.onHealthChange?.();
  }

  /** Resolve true when every target is healthy, false at the deadline. */
  waitUntilHealthy(timeoutMs: number): Promise<boolean> {
    if (this.allHealthy) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.healthyWaiters = this.healthyWaiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.healthyWaiters.push(done);
    });
  }

  /**
   * Pick the target for a request: readers for reads (unless a fresh kamal-writer cookie says otherwise), writers
   * for the rest, round-robin with the index advanced before selection. Undefined when none is healthy.
   */
  claim(ex: Exchange): Target | undefined {
    const read = this.hasReaders && isReadRequest(ex, this.readTargetsAcceptWebsockets);
    if (this.hasReaders && !read && this.writerAffinityTimeoutMs > 0)
      ex.writerAffinityMs = this.writerAffinityTimeoutMs;
    const readers = this.healthyReaders;
    if (read && readers.length > 0 && !hasWriterCookie(ex)) {
      this.readerIndex = (this.readerIndex + 1) % readers.length;
      return readers[this.readerIndex];
    }
    const writers = this.healthyWriters;
    if (writers.length === 0) return undefined;
    this.writerIndex = (this.writerIndex + 1) % writers.length;
    return writers[this.writerIndex];
  }

  /** A healthy writer, for internal requests (on-demand TLS checks). */
  firstHealthyWriter(): Target | undefined {
    return this.healthyWriters[0];
  }

  /** Stop health checks (the targets stay usable until drained). */
  stopHealthChecks(): void {
    for (const target of this.all) target.stopHealthChecks();
  }

  /** Stop health checks, release waiters and close connection pools. */
  dispose(): void {
    this.disposed = true;
    for (const target of this.all) target.dispose();
  }

  /** Drain every target concurrently. */
  async drainAll(timeoutMs: number): Promise<void> {
    await Promise.all(this.all.map((target) => target.drain(timeoutMs)));
  }

  /** The most recent failed probe among unhealthy targets, for deploy error messages. */
  lastFailure(): string | undefined {
    for (const target of this.all) {
      if (target.state !== "healthy") {
        return target.lastProbe
          ? `${target.address}: ${target.lastProbe.detail}`
          : `${target.address}: no response yet`;
      }
    }
    return undefined;
  }

  private updateHealthyTargets(): void {
    if (this.disposed) return;
    this.healthyWriters = this.all.filter((t) => !t.readOnly && t.state === "healthy");
    this.healthyReaders = this.all.filter((t) => t.readOnly && t.state === "healthy");
    // With a single target, checks stop once it is healthy: taking it out of the pool would not help.
    if (!this.multiTarget && this.healthyWriters.length === 1) this.stopHealthChecks();
    if (this.allHealthy) {
      const waiters = this.healthyWaiters;
      this.healthyWaiters = [];
      for (const waiter of waiters) waiter();
    }
  }
}
