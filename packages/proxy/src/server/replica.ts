// A worker's copy of the primary's route table. The primary owns state, health checks and certificates; a worker
// only serves. It builds what a pushed table needs ahead of time (certificates, error pages, load balancers), installs
// it in one step (at the instant the primary chose), and drains what the table replaced.
import type { Logger } from "../log/logger.js";
import type { LoadBalancer } from "./load-balancer.js";
import { PauseController, type PauseControllerJson } from "./pause-controller.js";
import { RolloutController } from "./rollout-controller.js";
import type { Router, TableService } from "./router.js";
import { Service, type ServiceResources } from "./service.js";
import { decodeService, type SavedService } from "./state.js";

/** What installing a table left to do: load balancers it replaced and services it paused or stopped. */
export interface Installed {
  /** Resolves once everything replaced has drained (or the drain deadline passed). */
  drain(drainTimeoutMs: number): Promise<void>;
}

/** Applies route tables to a worker's router. */
export class Replica {
  /** The options a service's resources were built from, and the targets and options a load balancer was built for. */
  private readonly serviceKeys = new WeakMap<Service, string>();
  private readonly balancerKeys = new WeakMap<LoadBalancer, string>();

  constructor(
    private readonly router: Router,
    private readonly logger: Logger,
  ) {}

  /** Build everything `table` needs without touching what serves now; the returned function installs it. */
  async prepare(table: readonly TableService[]): Promise<() => Installed> {
    const current = this.router.installedServices();
    const next = new Map<string, Service>();
    const steps: ((installed: { retired: LoadBalancer[]; paused: Service[] }) => void)[] = [];
    for (const entry of table) {
      let saved: SavedService;
      try {
        saved = decodeService(entry.saved);
      } catch (error) {
        this.logger.error("Ignoring a route table entry", { error: error as Error });
        continue;
      }
      const existing = current.get(saved.name);
      const serviceKey = JSON.stringify(entry.saved.options);
      let resources: ServiceResources | undefined;
      if (!existing || this.serviceKeys.get(existing) !== serviceKey) {
        try {
          resources = await this.router.buildResources(saved.name, saved.options);
        } catch (error) {
          this.logger.error("Keeping the previous settings of a service", {
            service: saved.name,
            error: error as Error,
          });
          if (existing) next.set(saved.name, existing);
          continue;
        }
      }
      const targetKey = JSON.stringify(entry.saved.target_options);
      const active = this.balancer(existing?.active, saved, saved.activeTargets, saved.activeReaders, targetKey);
      const rollout =
        saved.rolloutTargets.length > 0
          ? this.balancer(existing?.rollout, saved, saved.rolloutTargets, saved.rolloutReaders, targetKey)
          : undefined;
      const states = (slot: string) => (address: string) => entry.health[`${slot}:${address}`];

      if (!existing) {
        const service = new Service({
          name: saved.name,
          options: saved.options,
          targetOptions: saved.targetOptions,
          resources: resources!,
          active,
          pause: PauseController.fromJSON(saved.pause),
        });
        service.rollout = rollout;
        service.rolloutController = RolloutController.fromJSON(saved.rollout);
        this.serviceKeys.set(service, serviceKey);
        steps.push(() => {
          active.applyStates(states("active"));
          rollout?.applyStates(states("rollout"));
        });
        next.set(saved.name, service);
        continue;
      }
      next.set(saved.name, existing);
      steps.push(({ retired, paused }) => {
        if (resources) {
          existing.update(saved.options, saved.targetOptions, resources);
          this.serviceKeys.set(existing, serviceKey);
        }
        if (existing.active !== active) retired.push(existing.active);
        existing.active = active;
        active.applyStates(states("active"));
        if (existing.rollout && existing.rollout !== rollout) retired.push(existing.rollout);
        existing.rollout = rollout;
        rollout?.applyStates(states("rollout"));
        existing.rolloutController = RolloutController.fromJSON(saved.rollout);
        if (applyPause(existing.pause, saved.pause)) paused.push(existing);
      });
    }
    const removed = [...current.values()].filter((service) => next.get(service.name) !== service);

    return () => {
      const retired: LoadBalancer[] = [];
      const paused: Service[] = [];
      for (const step of steps) step({ retired, paused });
      this.router.replaceServices(next);
      // Removed services are not drained (kamal-proxy's remove); their pools close once idle.
      for (const service of removed) service.dispose();
      return {
        drain: async (drainTimeoutMs) => {
          await Promise.all([
            ...retired.map(async (lb) => {
              await lb.drainAll(drainTimeoutMs);
              lb.dispose();
            }),
            ...paused.map((service) => service.drain(drainTimeoutMs)),
          ]);
        },
      };
    };
  }

  /** The load balancer for a slot: the current one when its targets and options are unchanged, else a new one. */
  private balancer(
    current: LoadBalancer | undefined,
    saved: SavedService,
    writers: readonly string[],
    readers: readonly string[],
    targetKey: string,
  ): LoadBalancer {
    const { writerAffinityTimeoutMs, readTargetsAcceptWebsockets } = saved.options;
    const key = JSON.stringify([writers, readers, targetKey, writerAffinityTimeoutMs, readTargetsAcceptWebsockets]);
    if (current && this.balancerKeys.get(current) === key) return current;
    const lb = this.router.newLoadBalancer(writers, readers, saved.options, saved.targetOptions);
    this.balancerKeys.set(lb, key);
    return lb;
  }
}

/** Move a pause controller to the saved state; true when it now holds or rejects requests (so it must drain). */
function applyPause(pause: PauseController, json: PauseControllerJson | null): boolean {
  const wanted = PauseController.fromJSON(json);
  if (wanted.state === "running") {
    pause.resume();
    return false;
  }
  if (wanted.state === "paused") {
    if (pause.state === "paused") return false;
    pause.pause((json?.fail_after ?? 0) / 1e6);
    return true;
  }
  if (pause.state === "stopped" && pause.stopMessage === wanted.stopMessage) return false;
  pause.stop(wanted.stopMessage);
  return true;
}
