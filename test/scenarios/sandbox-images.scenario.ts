/**
 * The sandbox's Postgres and Prometheus images (test/sandbox, built from Debian's postgresql-15 and prometheus
 * packages) on a real server, used the way the official images are: what the `dependencies` and
 * `service-names` scenarios rely on.
 * - postgres: a first start on an empty volume runs the real initdb (the delay until `pg_isready` succeeds is
 *   measured and logged), honours POSTGRES_PASSWORD/POSTGRES_DB, answers psql over TCP from another container
 *   on the `kamal` network with the password and refuses a wrong one, runs as postgres (not root), stops
 *   cleanly on SIGTERM, and a new container on the same volume skips initdb and keeps the data.
 * - prometheus: with a mounted config scraping itself, its HTTP API reports `up` = 1 for that job.
 */
import { check, eventually, expectEqual, expectMatch } from "./lib/assert.js";
import { request } from "./lib/http.js";
import type { Sandbox } from "./lib/sandbox.js";
import type { Scenario } from "./lib/scenario.js";

const PASSWORD = "s3cret-for-tests";
const PG = "sbx-pg";
const VOLUME = "sbx-pgdata";
const PROM = "sbx-prom";
/** Job name of the mounted config (the image's default config calls its job `prometheus`). */
const JOB = "sandbox-images-self";

const scenario: Scenario = {
  name: "sandbox-images",
  description:
    "sandbox postgres:15 (real initdb on first start, password over TCP, non-root, clean SIGTERM stop, data kept) and prometheus:2 (mounted config, up=1 via its API)",
  hosts: 1,
  async run(t) {
    const [vm1] = t.hosts as [string];
    const { postgresImage, prometheusImage } = t.sandbox.env;
    const ssh = (command: string) => t.sandbox.ssh(vm1, command);

    await t.step("pull both images and create the kamal network", async () => {
      await ssh(
        `docker network inspect kamal >/dev/null 2>&1 || docker network create kamal >/dev/null; docker pull -q ${postgresImage} && docker pull -q ${prometheusImage}`,
      );
    });

    await t.step("postgres: first start on an empty volume runs initdb; time until pg_isready", async () => {
      const ready = await startAndWait(t.sandbox, vm1, [
        "-e",
        `POSTGRES_PASSWORD=${PASSWORD}`,
        "-e",
        "POSTGRES_DB=appdb",
      ]);
      t.log(`postgres first start (initdb): pg_isready after ${ready.ms} ms (${ready.polls} polls)`);
      check(ready.polls > 1, `pg_isready succeeded at the first poll: no initdb delay (${ready.ms} ms)`);
      const logs = await ssh(`docker logs ${PG} 2>&1`);
      expectMatch(logs, "running bootstrap script ... ok", "initdb's output in the container log");
      expectMatch(logs, "PostgreSQL init process complete; ready for start up.", "the entrypoint's init");
      expectMatch(logs, /listening on IPv4 address "0\.0\.0\.0", port 5432/, "listening on every address");
    });

    await t.step("postgres: psql over TCP from another container on kamal, with the password", async () => {
      const sql = "CREATE TABLE notes (body text); INSERT INTO notes VALUES ('kept'); SELECT body FROM notes;";
      const out = await psqlOverTcp(t.sandbox, vm1, PASSWORD, sql);
      expectEqual(out.code, 0, `psql -h ${PG} exit code (${out.stderr.trim()})`);
      expectMatch(out.stdout, /^kept$/m, "rows read back over TCP");
      const wrong = await psqlOverTcp(t.sandbox, vm1, "wrong-password", "SELECT 1;");
      check(wrong.code !== 0, `psql with a wrong password succeeded: ${wrong.stdout}`);
      expectMatch(wrong.stderr, 'password authentication failed for user "postgres"', "wrong password refused");
    });

    await t.step("postgres: the server runs as postgres (uid 999), not root", async () => {
      const out = await ssh(
        `docker exec ${PG} sh -c 'pid=$(head -1 "$PGDATA/postmaster.pid"); grep ^Uid: /proc/$pid/status; stat -c %U "$PGDATA"'`,
      );
      expectMatch(out, /^Uid:\s+999\s+999\s+999\s+999$/m, "the postmaster's uids");
      expectMatch(out, /^postgres$/m, "owner of the data directory");
    });

    await t.step("postgres: SIGTERM stops it cleanly; a new container on the volume keeps the data", async () => {
      const stop = await ssh(
        `t0=$(date +%s%N); docker kill -s TERM ${PG} >/dev/null; code=$(docker wait ${PG}); echo "code=$code ms=$(( ($(date +%s%N) - t0) / 1000000 ))"`,
      );
      const [, code, ms] = /code=(\d+) ms=(\d+)/.exec(stop) ?? [];
      t.log(`postgres stopped on SIGTERM in ${ms} ms`);
      expectEqual(code, "0", "exit code after SIGTERM");
      expectMatch(await ssh(`docker logs ${PG} 2>&1 | tail -3`), "database system is shut down", "shutdown log");
      await ssh(`docker rm ${PG} >/dev/null`);
      const ready = await startAndWait(t.sandbox, vm1, []);
      t.log(`postgres start on existing data: pg_isready after ${ready.ms} ms (${ready.polls} polls)`);
      expectMatch(await ssh(`docker logs ${PG} 2>&1`), "Skipping initialization", "second start");
      const out = await psqlOverTcp(t.sandbox, vm1, PASSWORD, "SELECT body FROM notes;");
      expectMatch(out.stdout, /^kept$/m, `rows after the restart (${out.stderr.trim()})`);
    });

    await t.step("prometheus: a mounted config scraping itself; up = 1 through its HTTP API", async () => {
      const config = [
        "global:",
        "  scrape_interval: 1s",
        "scrape_configs:",
        `  - job_name: ${JOB}`,
        "    static_configs:",
        '      - targets: ["localhost:9090"]',
      ].join("\\n");
      await ssh(
        `mkdir -p sbx-prometheus && printf '${config}\\n' > sbx-prometheus/prometheus.yml && chmod 644 sbx-prometheus/prometheus.yml && ` +
          `docker run -d --name ${PROM} --network kamal -p 9090:9090 -v "$PWD/sbx-prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro" ${prometheusImage} >/dev/null`,
      );
      const user = await ssh(`docker inspect --format '{{.Config.User}}' ${PROM}`);
      expectEqual(user.trim(), "nobody", "user of the prometheus container");
      const started = performance.now();
      const sample = await eventually(
        "prometheus reports up == 1 for its own job",
        async () => {
          const res = await request(vm1, "/api/v1/query?query=up", { port: 9090, timeoutMs: 2_000 });
          expectEqual(res.status, 200, `GET /api/v1/query?query=up (${res.body})`);
          const body = JSON.parse(res.body) as {
            data: { result: { metric: Record<string, string>; value: [number, string] }[] };
          };
          const mine = body.data.result.find((r) => r.metric["job"] === JOB);
          check(mine, `no up series for job ${JOB} yet: ${res.body}`);
          expectEqual(mine.value[1], "1", `up{job="${JOB}"}`);
          return mine;
        },
        { timeoutMs: 30_000, intervalMs: 200 },
      );
      t.log(
        `prometheus: up{job="${JOB}",instance="${sample.metric["instance"]}"} = 1 after ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    });

    await t.step("clean up", async () => {
      await ssh(`docker rm -f ${PG} ${PROM} >/dev/null; docker volume rm ${VOLUME} >/dev/null; rm -rf sbx-prometheus`);
    });
  },
};

/**
 * Starts the postgres container on the volume and polls `pg_isready` inside it every 100 ms (in one SSH
 * session, so the figure is the server's, not SSH's) until it succeeds; returns the time from `docker run`.
 */
async function startAndWait(
  sandbox: Sandbox,
  host: string,
  env: readonly string[],
): Promise<{ ms: number; polls: number }> {
  const image = sandbox.env.postgresImage;
  const out = await sandbox.ssh(
    host,
    [
      "t0=$(date +%s%N)",
      `docker run -d --name ${PG} --network kamal ${env.join(" ")} -v ${VOLUME}:/var/lib/postgresql/data ${image} >/dev/null`,
      "polls=0",
      `until polls=$((polls + 1)); docker exec ${PG} pg_isready -q -U postgres; do`,
      "  [ $polls -lt 600 ] || { echo 'pg_isready never succeeded'; exit 1; }",
      "  sleep 0.1",
      "done",
      'echo "ms=$(( ($(date +%s%N) - t0) / 1000000 )) polls=$polls"',
    ].join("\n"),
  );
  const [, ms, polls] = /ms=(\d+) polls=(\d+)/.exec(out) ?? [];
  check(ms && polls, `unexpected output of the readiness poll: ${out}`);
  return { ms: Number(ms), polls: Number(polls) };
}

/** psql from a fresh container on the kamal network to the postgres container by name, over TCP. */
function psqlOverTcp(sandbox: Sandbox, host: string, password: string, sql: string) {
  return sandbox.sshResult(
    host,
    `docker run --rm --network kamal -e PGPASSWORD=${password} ${sandbox.env.postgresImage} psql -h ${PG} -U postgres -d appdb -X -tA -v ON_ERROR_STOP=1 -c "${sql}"`,
  );
}

export default scenario;
