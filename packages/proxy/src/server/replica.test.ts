// A worker's copy of the route table, in one process: a primary router's snapshots applied to a replica router.
import { afterEach, describe, expect, it } from "vitest";
import { deployRequest } from "../../test/helpers.js";
import { createSilentLogger } from "../log/logger.js";
import { Replica } from "./replica.js";
import { Router } from "./router.js";

const routers: Router[] = [];
afterEach(() => {
  for (const router of routers.splice(0)) router.dispose();
});

function router(): Router {
  const r = new Router({ logger: createSilentLogger(), certManagerFactory: () => undefined });
  routers.push(r);
  return r;
}

/** A primary whose deploys skip health checks (force, then no probes) and mark targets healthy; a replica of it. */
async function pair() {
  const primary = router();
  const worker = router();
  const replica = new Replica(worker, createSilentLogger());
  const deploy = async (service: string, targets: string[], hosts: string[] = []) => {
    await primary.deploy(deployRequest(service, targets, { force: true, options: { hosts } }));
    // No probes here: the test sets the health the primary would have found.
    primary.service(service)!.active.stopHealthChecks();
    for (const target of primary.service(service)!.active.all) target.state = "healthy";
  };
  const sync = async () => (await replica.prepare(primary.snapshot()))();
  return { primary, worker, replica, deploy, sync };
}

const targetOf = (r: Router, host: string) => r.route(host, "/")?.service.active.all.map((t) => t.address);

describe("Replica", () => {
  it("builds a table without touching what serves, then installs it in one step", async () => {
    const { worker, replica, primary, deploy, sync } = await pair();
    await deploy("app", ["127.0.0.2:9"], ["app.test"]);
    await sync();
    expect(targetOf(worker, "app.test")).toEqual(["127.0.0.2:9"]);
    const before = worker.service("app")!.active;

    await deploy("app", ["127.0.0.3:9"], ["app.test"]);
    await deploy("other", ["127.0.0.4:9"], ["other.test"]);
    const install = await replica.prepare(primary.snapshot());
    expect(targetOf(worker, "app.test")).toEqual(["127.0.0.2:9"]);
    expect(worker.route("other.test", "/")).toBeUndefined();
    install();
    expect(targetOf(worker, "app.test")).toEqual(["127.0.0.3:9"]);
    expect(targetOf(worker, "other.test")).toEqual(["127.0.0.4:9"]);
    expect(worker.service("app")!.active).not.toBe(before);
    expect(worker.service("app")!.active.claim({ req: { headers: {} } } as never)?.address).toBe("127.0.0.3:9");
  });

  it("keeps a load balancer whose targets did not change, with the primary's health", async () => {
    const { worker, primary, deploy, sync } = await pair();
    await deploy("app", ["127.0.0.2:9", "127.0.0.3:9"]);
    await sync();
    const lb = worker.service("app")!.active;
    primary.service("app")!.active.all[0]!.state = "unhealthy";
    await sync();
    expect(worker.service("app")!.active).toBe(lb);
    expect(lb.all.map((t) => t.state)).toEqual(["unhealthy", "healthy"]);
  });

  it("applies pause, stop and resume, and removes services the table no longer has", async () => {
    const { worker, primary, deploy, sync } = await pair();
    await deploy("app", ["127.0.0.2:9"], ["app.test"]);
    await deploy("gone", ["127.0.0.5:9"], ["gone.test"]);
    await sync();
    await primary.stop("app", 10, "back soon");
    await sync();
    expect(worker.service("app")!.pause.state).toBe("stopped");
    expect(worker.service("app")!.pause.stopMessage).toBe("back soon");
    await primary.resume("app");
    await primary.remove("gone");
    await sync();
    expect(worker.service("app")!.pause.state).toBe("running");
    expect(worker.service("gone")).toBeUndefined();
    expect(worker.route("gone.test", "/")?.service.name).not.toBe("gone");
  });
});

describe("Router.scheduleSwitch", () => {
  it("installs at the instant: on the first request routed at or after it, or on its timer", async () => {
    const worker = router();
    const installed: string[] = [];
    const past = worker.scheduleSwitch(Date.now() - 1, () => installed.push("past"));
    expect(installed).toEqual([]);
    worker.route("x", "/");
    expect(installed).toEqual(["past"]);
    await past;

    const soon = worker.scheduleSwitch(Date.now() + 30, () => installed.push("soon"));
    worker.route("x", "/");
    expect(installed).toEqual(["past"]);
    await soon;
    expect(installed).toEqual(["past", "soon"]);
  });
});
