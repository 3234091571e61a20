/**
 * The demo's example app (examples/hello) end to end: web on both servers behind the proxy, a workers
 * role on the second server, a real Redis accessory on the first. Visits are queued by web and counted by
 * the workers across servers; a second release deploys with zero failed requests and the counter survives.
 */
import { check, eventually, expectEqual, expectMatch } from "./lib/assert.js";
import { expectRunningVersion, runningNames } from "./lib/checks.js";
import { sleep } from "./lib/exec.js";
import { poll, request } from "./lib/http.js";
import { EXAMPLE_APP_DIR } from "./lib/paths.js";
import type { Scenario } from "./lib/scenario.js";

interface Stats {
  release: string;
  version: string;
  visits: number;
  queued: number;
  ticks: number;
  workers: Record<string, string>;
}

const scenario: Scenario = {
  name: "example-app",
  description:
    "examples/hello: web + workers + Redis accessory; visits counted by workers; zero-downtime second release",
  hosts: 2,
  async run(t) {
    const [vm1, vm2] = t.hosts as [string, string];
    const app = await t.app(EXAMPLE_APP_DIR, {
      withSite: false,
      env: { DHOW_SANDBOX_HOSTS: t.hosts.join(" ") },
    });
    const v1 = await app.revision();

    await t.step("dhow setup", () => app.dhow(["setup"]));

    await t.step("web, workers and redis run where the config says", async () => {
      await expectRunningVersion(t.sandbox, [vm1, vm2], { service: "hello", role: "web", version: v1 });
      await expectRunningVersion(t.sandbox, [vm2], { service: "hello", role: "workers", version: v1 });
      expectEqual(await runningNames(t.sandbox, vm1, "hello-redis"), ["hello-redis"], `redis accessory on ${vm1}`);
      for (const host of [vm1, vm2]) {
        const page = await request(host, "/", { timeoutMs: 3000 });
        expectEqual(page.status, 200, `GET / on ${host}`);
        expectMatch(page.body, "Visits counted by the workers", `page on ${host} (Redis reachable)`);
        expectMatch(page.body, "Hello from dhow! (release 1)", `page on ${host}`);
        expectMatch(page.body, v1, `page on ${host} shows the version`);
      }
    });

    const counted = await t.step("visits are counted by the workers through Redis", async () => {
      const start = await stats(vm1);
      for (let i = 0; i < 5; i++) await request(i % 2 ? vm2 : vm1, "/");
      return eventually("the workers count the 5 visits", async () => {
        const now = await stats(vm2);
        check(
          now.visits >= start.visits + 5,
          `visits ${now.visits}, expected ≥ ${start.visits + 5} (queued ${now.queued})`,
        );
        check(
          Object.keys(now.workers).some((name) => name.startsWith(`${vm2}/`)),
          `no heartbeat from the worker on ${vm2}: ${JSON.stringify(now.workers)}`,
        );
        return now.visits;
      });
    });

    const v2 = await app.commit("Release 2", { "release.txt": "Hello from dhow! (release 2)\n" });
    await t.step("deploy release 2 while polling", async () => {
      const poller = poll(vm1, "/version");
      await app.dhow(["deploy"]);
      await sleep(500);
      const report = await poller.stop();
      t.log(`${report.requests} requests, sequence ${JSON.stringify(report.sequence)}`);
      expectEqual(report.errors.slice(0, 5), [], "failed requests during the deploy");
      expectEqual(
        report.sequence,
        [`Hello from dhow! (release 1) ${v1}`, `Hello from dhow! (release 2) ${v2}`],
        "what the app answered during the deploy",
      );
      await expectRunningVersion(t.sandbox, [vm2], { service: "hello", role: "workers", version: v2 });
    });

    await t.step("after the connections sat idle, pages still answer at once", async () => {
      await sleep(6000); // longer than the app's Redis command timeout
      for (const host of [vm1, vm2]) {
        const page = await request(host, "/", { timeoutMs: 3000 });
        expectEqual(page.status, 200, `GET / on ${host} after 6 s idle`);
        expectMatch(page.body, "Visits counted by the workers", `page on ${host} after 6 s idle (Redis reachable)`);
      }
    });

    await t.step("the counter survived the deploy and still grows", async () => {
      await request(vm2, "/");
      await eventually("the new workers count a visit", async () => {
        const now = await stats(vm1);
        expectEqual(now.release, "Hello from dhow! (release 2)", "release after the deploy");
        check(now.visits > counted, `visits ${now.visits}, expected > ${counted}`);
      });
    });
  },
};

async function stats(host: string): Promise<Stats> {
  const res = await request(host, "/stats");
  if (res.status !== 200) throw new Error(`GET /stats on ${host}: ${res.status} ${res.body.trim()}`);
  return JSON.parse(res.body) as Stats;
}

export default scenario;
