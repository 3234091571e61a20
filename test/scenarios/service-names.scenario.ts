/**
 * Stable service names (issue 10 "Done when", spec beyond.md §2 and §3), with apps/app_with_service_names: web
 * (behind the proxy, port 80) and workers (no proxy, port 3001, a Docker health check) on VM1, Redis on VM2,
 * a real Prometheus (the sandbox's image of Debian's prometheus) on VM1. deploy.yml names no address for any of
 * them: the app reaches Redis as `shop-redis`, Prometheus scrapes `shop-web:80` and `shop-workers:3001`.
 * - the app on VM1 reaches `shop-redis:6379` by name, and the name leads to VM2;
 * - a scraper container on VM1's `kamal` network GETs http://shop-web/version and
 *   http://shop-workers:3001/version every 100 ms (new connection and name lookup each) across three deploys,
 *   one of them a release that fails its health check for several seconds and answers /version with
 *   `unhealthy-<version>` until it passed one: zero resolution failures, zero connection errors, zero
 *   `unhealthy-` answers, and after each deploy only the new version answers;
 * - Prometheus's `up` of both jobs never reads 0 over the three deploys (its HTTP API: min_over_time), and its
 *   samples come from the new version afterwards (shop_build_info).
 */
import { check, eventually, expectEqual, expectMatch, expectNoMatch } from "./lib/assert.js";
import { runningNames } from "./lib/checks.js";
import { request } from "./lib/http.js";
import type { Scenario, ScenarioContext } from "./lib/scenario.js";
import type { App } from "./lib/workspace.js";

const SERVICE = "shop";
const WEB_URL = `http://${SERVICE}-web/version`;
const WORKERS_URL = `http://${SERVICE}-workers:3001/version`;
const SCRAPER = `${SERVICE}-scraper`;
/** Seconds the slow release fails its health check after it starts (below deploy_timeout: 20). */
const SLOW_DELAY = 5;
/** Polls of each name required after each deploy (the scraper polls every 100 ms). */
const POLLS_AFTER = 8;

/** One request of the scraper (apps/app_with_service_names/scraper.mjs). */
interface Poll {
  readonly url: string;
  /** When it started, ms since the epoch (the scraper's clock is this machine's). */
  readonly at: number;
  readonly ms: number;
  readonly body?: string;
  readonly error?: string;
  readonly kind?: "resolve" | "connect" | "status";
}

const scenario: Scenario = {
  name: "service-names",
  description:
    "stable names: shop-web / shop-workers polled by name every 100 ms across 3 deploys (one slow to pass its health check): no resolution or connection error, no unhealthy answer, only the new version after each; shop-redis on another server by name; Prometheus scraping both names never reads up=0",
  hosts: 2,
  async run(t) {
    const [vm1, vm2] = t.hosts as [string, string];
    const app = await t.app("app_with_service_names", { withSite: false });
    const v1 = await app.revision();

    await t.step("deploy.yml names no address of Redis, web or workers", async () => {
      const config = app.readFile("config/deploy.yml");
      // (127.0.0.1 is the workers' health check, inside their own container)
      expectNoMatch(config, /\b(?!127\.)\d{1,3}(\.\d{1,3}){3}\b/, "config/deploy.yml (an IPv4 address)");
      expectMatch(config, /^ {4}REDIS_HOST: shop-redis$/m, "config/deploy.yml's env");
    });

    await t.step("dhow setup: Redis on VM2, Prometheus, web and workers on VM1", async () => {
      await app.dhow(["setup"]);
      expectEqual(await runningNames(t.sandbox, vm1, SERVICE, "web"), [`shop-web-${v1}`], `web on ${vm1}`);
      expectEqual(await runningNames(t.sandbox, vm1, SERVICE, "workers"), [`shop-workers-${v1}`], `workers on ${vm1}`);
      const names = async (host: string) => (await t.sandbox.containers(host)).map((c) => c.name).sort();
      check((await names(vm2)).includes("shop-redis"), `shop-redis is not on ${vm2}: ${await names(vm2)}`);
      check(!(await names(vm1)).includes("shop-redis"), `shop-redis runs on ${vm1}, expected only on ${vm2}`);
      check((await names(vm1)).includes("shop-prometheus"), `shop-prometheus is not on ${vm1}`);
    });

    await t.step("web and workers on VM1 reach shop-redis:6379 on VM2 by name", async () => {
      const fromWeb = await request(vm1, "/redis", { timeoutMs: 5_000 });
      expectEqual(fromWeb.status, 200, `GET /redis through ${vm1}'s proxy (${fromWeb.body.trim()})`);
      expectEqual(fromWeb.body.trim(), `PONG from ${vm2}:6379 (shop-redis)`, "web's PING of Redis");
      const fromWorkers = await t.sandbox.ssh(
        vm1,
        `docker exec shop-workers-${v1} wget -qO- http://127.0.0.1:3001/redis`,
      );
      expectEqual(fromWorkers.trim(), `PONG from ${vm2}:6379 (shop-redis)`, "workers' PING of Redis");
      const env = await t.sandbox.ssh(vm1, `docker exec shop-web-${v1} sh -c 'echo $REDIS_HOST'`);
      expectEqual(env.trim(), "shop-redis", "REDIS_HOST in web's container");
    });

    await t.step("Prometheus scrapes shop-web:80 and shop-workers:3001 (up = 1)", async () => {
      const started = performance.now();
      await eventually(
        "prometheus reports up == 1 for jobs web and workers",
        async () => {
          const up = await promQuery(vm1, "up");
          for (const job of ["web", "workers"]) {
            const sample = up.find((s) => s.metric["job"] === job);
            check(sample, `no up series for job ${job}: ${JSON.stringify(up)}`);
            expectEqual(sample.value[1], "1", `up{job="${job}",instance="${sample.metric["instance"]}"}`);
          }
        },
        { timeoutMs: 30_000, intervalMs: 500 },
      );
      t.log(`prometheus: up = 1 for both jobs ${((performance.now() - started) / 1000).toFixed(1)}s after setup`);
    });

    const image = (await t.sandbox.ssh(vm1, `docker inspect --format '{{.Config.Image}}' shop-web-${v1}`)).trim();
    await t.sandbox.ssh(
      vm1,
      `docker run -d --name ${SCRAPER} --network kamal ${image} node /app/scraper.mjs ${WEB_URL} ${WORKERS_URL} >/dev/null`,
    );
    try {
      await deploys(t, app, vm1);
    } finally {
      await t.sandbox.sshResult(vm1, `docker rm -f ${SCRAPER}`);
    }
  },
};

/** The three deploys under the scraper's and Prometheus's eyes. */
async function deploys(t: ScenarioContext, app: App, vm1: string): Promise<void> {
  const windowStart = await t.step("the scraper reaches both names (v1)", async () => {
    await eventually("the scraper's first answers", async () => {
      const polls = await scraped(t, vm1);
      for (const url of [WEB_URL, WORKERS_URL]) {
        const answers = polls.filter((p) => p.url === url && p.body === "v1").length;
        check(answers >= 5, `${answers} answers "v1" from ${url}; last polls: ${JSON.stringify(polls.slice(-4))}`);
      }
    });
    return Date.now();
  });

  const releases = [
    { label: "v2", delay: 0 },
    { label: "v3", delay: SLOW_DELAY },
    { label: "v4", delay: 0 },
  ];
  for (const { label, delay } of releases) {
    const title =
      delay > 0
        ? `deploy ${label}, failing its health check for ${delay}s, while both names are polled`
        : `deploy ${label} while both names are polled`;
    await t.step(title, async () => {
      const version = await app.commit(label, { version: `${label}\n`, delay: `${delay}\n` });
      // A slow release answers `unhealthy-<label>` before its health check passed (what the scraper must never see).
      // Settled at once, so that a failure while dhow still runs is not an unhandled rejection.
      const marker = delay > 0 ? settled(unhealthyMarker(t, vm1, version, label)) : undefined;
      const result = await app.dhow(["deploy"]);
      const end = Date.now();
      t.log(`dhow deploy ${label}: ${result.seconds.toFixed(1)}s`);
      if (marker) t.log(unwrap(await marker));
      // Until both names were polled often enough since: a request hanging on a vanished container ends as a
      // connection error after the scraper's 2 s timeout, so this waits past that too.
      const polls = await eventually(
        `${POLLS_AFTER} polls of each name after the deploy of ${label}`,
        async () => {
          const all = await scraped(t, vm1);
          for (const url of [WEB_URL, WORKERS_URL]) {
            const after = all.filter((p) => p.url === url && p.at >= end).length;
            check(after >= POLLS_AFTER, `${after} polls of ${url}; its last: ${JSON.stringify(lastOf(all, url))}`);
          }
          return all;
        },
        { timeoutMs: 8_000, intervalMs: 300 },
      );
      expectClean(t, polls);
      for (const url of [WEB_URL, WORKERS_URL]) {
        const after = polls.filter((p) => p.url === url && p.at >= end);
        expectEqual(
          [...new Set(after.map((p) => p.body))],
          [label],
          `what ${url} answered after the deploy of ${label} (${after.length} polls)`,
        );
      }
      expectEqual(await runningNames(t.sandbox, vm1, SERVICE, "web"), [`shop-web-${version}`], "running web");
      expectEqual(
        await runningNames(t.sandbox, vm1, SERVICE, "workers"),
        [`shop-workers-${version}`],
        "running workers",
      );
    });
  }

  await t.step("over the three deploys: every poll answered, by healthy containers only", async () => {
    const polls = (await scraped(t, vm1)).filter((p) => p.at >= windowStart);
    expectClean(t, polls);
    for (const url of [WEB_URL, WORKERS_URL]) {
      const mine = polls.filter((p) => p.url === url);
      t.log(`${url}: ${mine.length} polls, answers in order ${JSON.stringify(runs(mine))}`);
      expectEqual([...new Set(mine.map((p) => p.body))], ["v1", "v2", "v3", "v4"], `versions ${url} answered`);
    }
  });

  await t.step("Prometheus: up never read 0 for web or workers; it scrapes v4 now", async () => {
    const seconds = Math.ceil((Date.now() - windowStart) / 1000);
    for (const job of ["web", "workers"]) {
      const min = await promValue(vm1, `min_over_time(up{job="${job}"}[${seconds}s])`);
      const count = await promValue(vm1, `count_over_time(up{job="${job}"}[${seconds}s])`);
      t.log(`prometheus job ${job}: ${count} up samples over the last ${seconds}s, minimum ${min}`);
      check(Number(count) >= seconds * 0.8, `only ${count} up samples of job ${job} in ${seconds}s (scrape every 1s)`);
      expectEqual(min, "1", `min_over_time(up{job="${job}"}[${seconds}s])`);
      await eventually(`prometheus scrapes v4 from job ${job}`, async () => {
        const info = await promQuery(vm1, `shop_build_info{job="${job}"}`);
        expectEqual(
          info.map((s) => s.metric["version"]),
          ["v4"],
          `versions of shop_build_info{job="${job}"} Prometheus holds now`,
        );
      });
    }
  });
}

/** Zero resolution failures, connection errors, other failed answers, and answers of unhealthy containers. */
function expectClean(t: ScenarioContext, polls: readonly Poll[]): void {
  const failed = polls.filter((p) => p.error !== undefined);
  const kinds = (kind: string) => failed.filter((p) => p.kind === kind).length;
  t.log(
    `scraper: ${polls.length} polls, ${kinds("resolve")} resolution failures, ${kinds("connect")} connection errors, ` +
      `${kinds("status")} other failed answers`,
  );
  expectEqual(failed.slice(0, 5), [], `failed polls (${failed.length} in all)`);
  const unhealthy = polls.filter((p) => p.body?.startsWith("unhealthy-"));
  expectEqual(unhealthy.slice(0, 5), [], `answers from containers before their health check (${unhealthy.length})`);
}

/**
 * Waits for the new web and workers containers of a slow release to exist and checks that each answers
 * `unhealthy-<label>` on its own port before its health check passed: proof that the scraper would see it.
 */
async function unhealthyMarker(t: ScenarioContext, host: string, version: string, label: string): Promise<string> {
  const seen: string[] = [];
  for (const [role, port] of [
    ["web", 80],
    ["workers", 3001],
  ] as const) {
    const answer = await eventually(
      `shop-${role}-${version} answers /version`,
      () => t.sandbox.ssh(host, `docker exec shop-${role}-${version} wget -qO- http://127.0.0.1:${port}/version`),
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expectEqual(answer.trim(), `unhealthy-${label}`, `shop-${role}-${version}'s /version while it starts`);
    seen.push(`${role}: "${answer.trim()}"`);
  }
  return `the slow release answered on its own before its health check passed: ${seen.join(", ")}`;
}

type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

function settled<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
}

function unwrap<T>(result: Settled<T>): T {
  if (!result.ok) throw result.error;
  return result.value;
}

/** Everything the scraper printed so far. */
async function scraped(t: ScenarioContext, host: string): Promise<Poll[]> {
  const out = await t.sandbox.ssh(host, `docker logs ${SCRAPER} 2>&1`);
  return out
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Poll);
}

function lastOf(polls: readonly Poll[], url: string): Poll | undefined {
  return polls.filter((p) => p.url === url).at(-1);
}

/** Consecutive answers collapsed: [["v1", 40], ["v2", 12], …]. */
function runs(polls: readonly Poll[]): [string, number][] {
  const out: [string, number][] = [];
  for (const poll of polls) {
    const body = poll.body ?? `error: ${poll.error}`;
    const last = out[out.length - 1];
    if (last && last[0] === body) last[1]++;
    else out.push([body, 1]);
  }
  return out;
}

interface PromSample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: readonly [number, string];
}

/** An instant query through Prometheus's HTTP API (published on the server's port 9090). */
async function promQuery(host: string, query: string): Promise<PromSample[]> {
  const res = await request(host, `/api/v1/query?query=${encodeURIComponent(query)}`, { port: 9090, timeoutMs: 5_000 });
  check(res.status === 200, `prometheus query ${query}: HTTP ${res.status} ${res.body.trim()}`);
  const parsed = JSON.parse(res.body) as { status: string; data: { resultType: string; result: PromSample[] } };
  expectEqual(parsed.status, "success", `status of prometheus query ${query}`);
  return parsed.data.result;
}

/** The single value of an instant query. */
async function promValue(host: string, query: string): Promise<string> {
  const result = await promQuery(host, query);
  check(result.length === 1 && result[0], `prometheus query ${query}: ${JSON.stringify(result)}`);
  return result[0].value[1];
}

export default scenario;
