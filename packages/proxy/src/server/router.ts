// The router: owns every service, routes requests, and runs deploy/remove/pause/stop/resume/rollout and state.
import type { SecureContext } from "node:tls";
import { formatDuration } from "../duration.js";
import type { TargetResolver } from "../dns/resolver.js";
import type { Logger } from "../log/logger.js";
import type { CertManager } from "../tls/cert-manager.js";
import {
  AutomaticTlsWildcardError,
  HostInUseError,
  ProxyError,
  RolloutTargetNotSetError,
  ServiceNotFoundError,
  TargetFailedToBecomeHealthyError,
} from "../errors.js";
import { LoadBalancer } from "./load-balancer.js";
import { loadErrorPages } from "./error-pages.js";
import { PauseController } from "./pause-controller.js";
import { RolloutController } from "./rollout-controller.js";
import { Service, type ServiceResources } from "./service.js";
import { type RouteMatch, ServiceMap } from "./service-map.js";
import {
  type DeploymentOptions,
  hasConfiguredHosts,
  normalizeServiceOptions,
  ROOT_PATH,
  type ServiceOptions,
  type TargetOptions,
  validateServiceOptions,
} from "./service-options.js";
import {
  backupCorruptStateFile,
  encodeService,
  readStateFile,
  type SavedService,
  type StateEntry,
  WHOLE_FILE,
  writeFileAtomically,
} from "./state.js";
import { validateTargetAddress } from "./target.js";

/** Everything a deploy carries (the DeployArgs of kamal-proxy's RPC). */
export interface DeployRequest {
  service: string;
  targets: string[];
  readers: string[];
  serviceOptions: ServiceOptions;
  targetOptions: TargetOptions;
  deployment: DeploymentOptions;
}

/** A rollout deploy: new targets for the rollout slot of an existing service. */
export interface RolloutDeployRequest {
  service: string;
  targets: string[];
  readers: string[];
  deployment: DeploymentOptions;
}

/** One row of `list` (and `list --json`). */
export interface ServiceDescription {
  service: string;
  hosts: string[];
  paths: string[];
  targets: string[];
  readers: string[];
  state: string;
  tls: boolean;
  targetHealth: { target: string; state: string; lastProbe?: string }[];
  rollout?: { targets: string[]; readers: string[]; percentage?: number; allowlist?: string[] };
}

/** A state-file entry that could not be restored; kept (and re-saved) until redeployed or removed. */
export interface RestoreFailure {
  service: string;
  error: string;
}

export interface ListResponse {
  services: ServiceDescription[];
  failures: RestoreFailure[];
}

/**
 * How a change reaches the workers of a multi-worker proxy (set by the cluster primary). `switch` changes are
 * installed by every worker at one instant and resolve once every worker switched and drained what it replaced
 * (up to `drainTimeoutMs`); health changes are sent without waiting.
 */
export type Publisher = (change: { kind: "switch" | "health"; drainTimeoutMs: number }) => Promise<void>;

/** One service of the route table pushed to workers: as saved in the state file, plus its targets' health. */
export interface TableService {
  saved: Record<string, unknown>;
  /** Target state by "active:<address>" or "rollout:<address>". */
  health: Record<string, string>;
}

/** Builds the certificate manager of a TLS service (custom cert or ACME). */
export type CertManagerFactory = (
  service: string,
  options: ServiceOptions,
  hooks: { targetAddress: () => string | undefined },
) => CertManager | undefined;

export interface RouterOptions {
  logger: Logger;
  /** Where to persist state; undefined disables persistence. */
  statePath?: string | undefined;
  certManagerFactory: CertManagerFactory;
  /** Target name lookups (default: the process-wide resolver). */
  resolver?: TargetResolver | undefined;
}

/** The proxy's service registry and request router. */
export class Router {
  private readonly services = new Map<string, Service>();
  private serviceMap = new ServiceMap<Service>([]);
  private readonly failures = new Map<string, { error: string; raw: unknown }>();
  private readonly logger: Logger;
  private readonly statePath: string | undefined;
  private readonly certManagerFactory: CertManagerFactory;
  private readonly resolver: TargetResolver | undefined;
  private publisher: Publisher | undefined;
  /** Replicas (workers): a table waiting for its switch instant (checked on every routed request). */
  private pendingSwitch: { at: number; run: () => void } | undefined;

  constructor({ logger, statePath, certManagerFactory, resolver }: RouterOptions) {
    this.logger = logger;
    this.resolver = resolver;
    this.statePath = statePath;
    this.certManagerFactory = certManagerFactory;
  }

  /** Find the service and prefix for a request. */
  route(host: string, path: string): RouteMatch<Service> | undefined {
    if (this.pendingSwitch !== undefined && Date.now() >= this.pendingSwitch.at) this.pendingSwitch.run();
    return this.serviceMap.lookup(host, path);
  }

  /** Make every later change also reach the workers (cluster primary). */
  setPublisher(publisher: Publisher): void {
    this.publisher = publisher;
  }

  /** The route table as workers install it. */
  snapshot(): TableService[] {
    return [...this.services.values()].map((service) => {
      const health: Record<string, string> = {};
      for (const target of service.active.all) health[`active:${target.address}`] = target.state;
      for (const target of service.rollout?.all ?? []) health[`rollout:${target.address}`] = target.state;
      return { saved: encodeService(toSaved(service)), health };
    });
  }

  /** Every installed service (replicas diff against it). */
  installedServices(): ReadonlyMap<string, Service> {
    return this.services;
  }

  /**
   * Replicas: run `install` at the wall-clock instant `at` — from a timer, or from the first request routed at or
   * after it, whichever comes first — so every worker switches at the same instant. Resolves after installing.
   */
  scheduleSwitch(at: number, install: () => void): Promise<void> {
    this.pendingSwitch?.run();
    return new Promise((resolve) => {
      const run = () => {
        if (this.pendingSwitch !== entry) return;
        this.pendingSwitch = undefined;
        clearTimeout(timer);
        install();
        resolve();
      };
      const entry = { at, run };
      this.pendingSwitch = entry;
      const timer = setTimeout(run, Math.max(0, at - Date.now()));
    });
  }

  /** Replicas: replace the installed services and rebuild the routes. */
  replaceServices(next: Map<string, Service>): void {
    this.services.clear();
    for (const [name, service] of next) this.services.set(name, service);
    this.rebuildRoutes();
  }

  /** A service by name (tests and the TLS layer). */
  service(name: string): Service | undefined {
    return this.services.get(name);
  }

  /**
   * Deploy: validate, check conflicts, start health checks, wait (unless --force) for every target, swap the
   * active load balancer atomically, save state, then drain what was replaced. Resolves only after the drain.
   */
  async deploy(request: DeployRequest): Promise<void> {
    const { service: name, targets, readers, targetOptions, deployment } = request;
    validateServiceOptions(request.serviceOptions);
    const options = normalizeServiceOptions(request.serviceOptions);
    if (targets.length === 0) throw new ProxyError('required flag(s) "target" not set');
    for (const address of [...targets, ...readers]) validateTargetAddress(address);
    this.checkConflicts(name, options);
    const resources = await this.buildResources(name, options);

    this.logger.info("Deploying", {
      service: name,
      hosts: options.hosts,
      paths: options.pathPrefixes,
      targets,
      readers,
      tls: options.tlsEnabled,
    });
    const lb = this.newLoadBalancer(targets, readers, options, targetOptions);
    lb.beginHealthChecks();
    if (!deployment.force) await this.waitHealthy(lb, deployment.deployTimeoutMs, resources);

    let replaced: LoadBalancer | undefined;
    try {
      this.checkConflicts(name, options);
    } catch (error) {
      lb.dispose();
      resources.certManager?.dispose();
      throw error;
    }
    const existing = this.services.get(name);
    if (existing) {
      existing.update(options, targetOptions, resources);
      replaced = existing.active;
      existing.active = lb;
    } else {
      this.services.set(name, new Service({ name, options, targetOptions, resources, active: lb }));
    }
    this.failures.delete(name);
    this.rebuildRoutes();
    this.saveState();
    this.logger.info("Deployed", { service: name, hosts: options.hosts, paths: options.pathPrefixes, targets });

    await Promise.all([
      replaced ? this.retire(replaced, deployment.drainTimeoutMs) : undefined,
      this.publish("switch", deployment.drainTimeoutMs),
    ]);
  }

  /** Install new targets in a service's rollout slot (health-checked like a deploy), draining the previous ones. */
  async rolloutDeploy(request: RolloutDeployRequest): Promise<void> {
    const service = this.requireService(request.service);
    if (request.targets.length === 0) throw new ProxyError('required flag(s) "target" not set');
    for (const address of [...request.targets, ...request.readers]) validateTargetAddress(address);
    const lb = this.newLoadBalancer(request.targets, request.readers, service.options, service.targetOptions);
    lb.beginHealthChecks();
    if (!request.deployment.force) await this.waitHealthy(lb, request.deployment.deployTimeoutMs);
    if (this.services.get(service.name) !== service) {
      lb.dispose();
      throw new ServiceNotFoundError();
    }
    const replaced = service.rollout;
    service.rollout = lb;
    this.saveState();
    this.logger.info("Deployed rollout", { service: service.name, targets: request.targets });
    await Promise.all([
      replaced ? this.retire(replaced, request.deployment.drainTimeoutMs) : undefined,
      this.publish("switch", request.deployment.drainTimeoutMs),
    ]);
  }

  /** Split traffic to the rollout slot by percentage and/or an allowlist of kamal-rollout cookie values. */
  rolloutSet(name: string, percentage: number, allowlist: string[]): Promise<void> {
    const service = this.requireService(name);
    if (!service.rollout) throw new RolloutTargetNotSetError();
    service.rolloutController = new RolloutController(percentage, allowlist);
    this.logger.info("Set rollout split", { service: name, percentage, allowlist });
    this.saveState();
    return this.publish("switch", 0);
  }

  /** Send everything back to the active targets (the rollout targets stay installed). */
  rolloutStop(name: string): Promise<void> {
    const service = this.requireService(name);
    service.rolloutController = undefined;
    this.logger.info("Stopped rollout", { service: name });
    this.saveState();
    return this.publish("switch", 0);
  }

  /** Remove a service: routes go at once, health checks stop; in-flight requests are not drained. */
  remove(name: string): Promise<void> {
    const service = this.services.get(name);
    if (!service) {
      if (this.failures.delete(name)) {
        this.saveState();
        return Promise.resolve();
      }
      throw new ServiceNotFoundError();
    }
    this.services.delete(name);
    this.rebuildRoutes();
    service.dispose();
    this.saveState();
    this.logger.info("Removed", { service: name });
    return this.publish("switch", 0);
  }

  /** Hold new requests (up to pauseTimeout each) and drain the in-flight ones. */
  async pause(name: string, drainTimeoutMs: number, pauseTimeoutMs: number): Promise<void> {
    const service = this.requireService(name);
    service.pause.pause(pauseTimeoutMs);
    this.saveState();
    this.logger.info("Service paused", { service: name });
    await Promise.all([service.drain(drainTimeoutMs), this.publish("switch", drainTimeoutMs)]);
    this.logger.info("Service drained", { service: name });
  }

  /** Answer new requests with the maintenance page and drain the in-flight ones. */
  async stop(name: string, drainTimeoutMs: number, message: string): Promise<void> {
    const service = this.requireService(name);
    service.pause.stop(message);
    this.saveState();
    this.logger.info("Service stopped", { service: name });
    await Promise.all([service.drain(drainTimeoutMs), this.publish("switch", drainTimeoutMs)]);
    this.logger.info("Service drained", { service: name });
  }

  /** Serve normally again. */
  resume(name: string): Promise<void> {
    const service = this.requireService(name);
    service.pause.resume();
    this.saveState();
    this.logger.info("Service resumed", { service: name });
    return this.publish("switch", 0);
  }

  /** Every service (sorted by name) and every state entry that failed to restore. */
  list(): ListResponse {
    const services = [...this.services.values()]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((service) => describeService(service));
    const failures = [...this.failures].map(([service, { error }]) => ({ service, error }));
    return { services, failures };
  }

  /** The TLS context for an SNI name: the root-path TLS service of that host, or (no SNI) a default host. */
  secureContext(servername: string): SecureContext | undefined | Promise<SecureContext | undefined> {
    let name = servername;
    if (name === "") name = this.defaultTlsHost() ?? "";
    const service = this.serviceMap.lookup(name, ROOT_PATH)?.service;
    if (!service?.tlsEnabled || !service.certManager) return undefined;
    return service.certManager.secureContext(name);
  }

  /** Key and certificate for clients that send no SNI: the default TLS host's, when in memory. */
  defaultCertificate(): { key: string; cert: string } | undefined {
    const host = this.defaultTlsHost();
    if (host === undefined) return undefined;
    const service = this.serviceMap.lookup(host, ROOT_PATH)?.service;
    if (!service?.tlsEnabled) return undefined;
    if (host === "" && service.certManager?.kind === "acme") return undefined;
    const pem = service.certManager?.pem(host);
    if (!pem && service.certManager?.kind === "acme") void service.certManager.secureContext(host);
    return pem;
  }

  /** The TLS-ALPN-01 challenge context for a name, if any service is validating it. */
  async alpnChallenge(servername: string): Promise<SecureContext | undefined> {
    for (const service of this.services.values()) {
      const context = await service.certManager?.alpnChallenge(servername);
      if (context) return context;
    }
    return undefined;
  }

  /** Restore services from the state file, each on its own: a bad entry is recorded, not fatal. */
  async restoreState(): Promise<void> {
    if (!this.statePath) return;
    const entries = readStateFile(this.statePath).map((entry) => {
      if (entry.ok || entry.name !== WHOLE_FILE) return entry;
      return { ...entry, error: `${entry.error}; ${this.backupCorruptState(this.statePath!)}` };
    });
    await this.restoreEntries(entries);
  }

  /** Copy an unreadable state file aside before the next save replaces it; says where (or why not) for `list`. */
  private backupCorruptState(path: string): string {
    try {
      const backup = backupCorruptStateFile(path);
      this.logger.error("State file could not be read; kept a copy", { path, backup });
      return `a copy was kept at ${backup}`;
    } catch (error) {
      this.logger.error("State file could not be read or copied", { path, error: error as Error });
      return `no copy could be kept: ${(error as Error).message}`;
    }
  }

  /** Restore from already-parsed entries (used by restoreState and tests). */
  async restoreEntries(entries: StateEntry[]): Promise<void> {
    for (const entry of entries) {
      if (!entry.ok) {
        this.failures.set(entry.name, { error: entry.error, raw: entry.raw });
        this.logger.error("Failed to restore service", { service: entry.name, error: entry.error });
        continue;
      }
      try {
        await this.restoreService(entry.service);
      } catch (error) {
        this.failures.set(entry.service.name, { error: (error as Error).message, raw: encodeService(entry.service) });
        this.logger.error("Failed to restore service", { service: entry.service.name, error: error as Error });
      }
    }
    this.rebuildRoutes();
    this.logger.info("Restored state", { services: this.services.size, failed: this.failures.size });
  }

  /** Stop every health check and close every pool (server shutdown). */
  dispose(): void {
    for (const service of this.services.values()) service.dispose();
  }

  /** Write the state file now (called after every mutation). */
  saveState(): void {
    if (!this.statePath) return;
    const entries: unknown[] = [];
    const names = new Set<string>();
    for (const service of this.services.values()) {
      entries.push(encodeService(toSaved(service)));
      names.add(service.name);
    }
    for (const [name, failure] of this.failures) {
      if (!names.has(name) && failure.raw !== null && name !== WHOLE_FILE) entries.push(failure.raw);
    }
    try {
      writeFileAtomically(this.statePath, JSON.stringify(entries));
      // The file is whole again: the row for the unreadable file (its copy was kept at restore) goes.
      this.failures.delete(WHOLE_FILE);
    } catch (error) {
      this.logger.error("Unable to save state", { path: this.statePath, error: error as Error });
    }
  }

  private async restoreService(saved: SavedService): Promise<void> {
    validateServiceOptions(saved.options);
    const resources = await this.buildResources(saved.name, saved.options);
    const active = this.newLoadBalancer(saved.activeTargets, saved.activeReaders, saved.options, saved.targetOptions);
    active.markAllHealthy();
    const service = new Service({
      name: saved.name,
      options: saved.options,
      targetOptions: saved.targetOptions,
      resources,
      active,
      pause: PauseController.fromJSON(saved.pause),
    });
    if (saved.rolloutTargets.length > 0) {
      const rollout = this.newLoadBalancer(
        saved.rolloutTargets,
        saved.rolloutReaders,
        saved.options,
        saved.targetOptions,
      );
      rollout.markAllHealthy();
      service.rollout = rollout;
      service.rolloutController = RolloutController.fromJSON(saved.rollout);
    }
    this.services.set(saved.name, service);
  }

  private async waitHealthy(lb: LoadBalancer, timeoutMs: number, resources?: ServiceResources): Promise<void> {
    const healthy = await lb.waitUntilHealthy(timeoutMs);
    if (healthy) return;
    const reason = lb.lastFailure();
    lb.dispose();
    resources?.certManager?.dispose();
    const message = `target failed to become healthy within configured timeout (${formatDuration(timeoutMs)})`;
    throw new TargetFailedToBecomeHealthyError(reason ? `${message}: last health check ${reason}` : message);
  }

  private async retire(lb: LoadBalancer, drainTimeoutMs: number): Promise<void> {
    lb.stopHealthChecks();
    await lb.drainAll(drainTimeoutMs);
    lb.dispose();
  }

  private publish(kind: "switch" | "health", drainTimeoutMs: number): Promise<void> {
    return this.publisher ? this.publisher({ kind, drainTimeoutMs }) : Promise.resolve();
  }

  /** Certificates and error pages of a service (replicas build them too). */
  async buildResources(name: string, options: ServiceOptions): Promise<ServiceResources> {
    let certManager: CertManager | undefined;
    if (options.tlsEnabled) {
      const custom = options.tlsCertificatePath !== "" && options.tlsPrivateKeyPath !== "";
      if (!custom && options.tlsOnDemandUrl === "" && options.hosts.some((host) => host.includes("*"))) {
        throw new AutomaticTlsWildcardError();
      }
      certManager = this.certManagerFactory(name, options, {
        targetAddress: () => this.services.get(name)?.active.firstHealthyWriter()?.address,
      });
    }
    try {
      const errorPages = options.errorPagePath !== "" ? await loadErrorPages(options.errorPagePath) : undefined;
      return { certManager, errorPages };
    } catch (error) {
      certManager?.dispose();
      throw error;
    }
  }

  /** A load balancer over the given targets (replicas build them too, without health checks). */
  newLoadBalancer(
    targets: readonly string[],
    readers: readonly string[],
    options: ServiceOptions,
    targetOptions: TargetOptions,
  ): LoadBalancer {
    return new LoadBalancer({
      writers: targets,
      readers,
      targetOptions,
      writerAffinityTimeoutMs: options.writerAffinityTimeoutMs,
      readTargetsAcceptWebsockets: options.readTargetsAcceptWebsockets,
      logger: this.logger,
      resolver: this.resolver,
      onHealthChange: () => void this.publish("health", 0),
    });
  }

  private checkConflicts(name: string, options: ServiceOptions): void {
    const other = this.serviceMap.conflictingService(name, options.hosts, options.pathPrefixes);
    if (other !== undefined) throw new HostInUseError(`already used by service ${other}`);
  }

  private requireService(name: string): Service {
    const service = this.services.get(name);
    if (!service) throw new ServiceNotFoundError();
    return service;
  }

  private rebuildRoutes(): void {
    const map = new ServiceMap([...this.services.values()]);
    for (const service of this.services.values()) {
      if (service.options.pathPrefixes.includes(ROOT_PATH)) {
        service.tlsEnabled = service.options.tlsEnabled;
        service.tlsRedirect = service.options.tlsRedirect;
        continue;
      }
      const firstHost = service.options.hosts[0] ?? "";
      const root = map.lookup(firstHost, ROOT_PATH)?.service;
      service.tlsEnabled = root?.options.tlsEnabled ?? false;
      service.tlsRedirect = root?.options.tlsRedirect ?? false;
    }
    this.serviceMap = map;
  }

  private defaultTlsHost(): string | undefined {
    const names = [...this.services.keys()].sort();
    for (const name of names) {
      const service = this.services.get(name)!;
      if (service.options.tlsEnabled && hasConfiguredHosts(service.options)) {
        return service.options.hosts.find((host) => !host.includes("*"));
      }
      if (service.options.tlsEnabled) return "";
    }
    return undefined;
  }
}

/** A service in the state file's shape. */
export function toSaved(service: Service): SavedService {
  return {
    name: service.name,
    options: service.options,
    targetOptions: service.targetOptions,
    activeTargets: service.active.writers.map((t) => t.address),
    activeReaders: service.active.readers.map((t) => t.address),
    rolloutTargets: service.rollout?.writers.map((t) => t.address) ?? [],
    rolloutReaders: service.rollout?.readers.map((t) => t.address) ?? [],
    pause: service.pause.toJSON(),
    rollout: service.rolloutController?.toJSON() ?? null,
  };
}

function describeService(service: Service): ServiceDescription {
  const description: ServiceDescription = {
    service: service.name,
    hosts: service.options.hosts.filter((h) => h !== ""),
    paths: service.options.pathPrefixes,
    targets: service.active.writers.map((t) => t.address),
    readers: service.active.readers.map((t) => t.address),
    state: service.pause.state,
    tls: service.tlsEnabled,
    targetHealth: service.active.all.map((t) => ({
      target: t.address,
      state: t.state,
      ...(t.lastProbe && !t.lastProbe.ok ? { lastProbe: t.lastProbe.detail } : {}),
    })),
  };
  if (service.rollout) {
    description.rollout = {
      targets: service.rollout.writers.map((t) => t.address),
      readers: service.rollout.readers.map((t) => t.address),
      ...(service.rolloutController
        ? { percentage: service.rolloutController.percentage, allowlist: [...service.rolloutController.allowlist] }
        : {}),
    };
  }
  return description;
}
