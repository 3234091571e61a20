// The web app of the `dependencies` scenario. Boot: one attempt to reach Redis (REDIS_URL, a RESP PING) and
// Postgres (DATABASE_HOST/DATABASE_PORT, a protocol startup packet); if either fails it prints what failed and
// exits 1, the way an app that needs its database at boot does. Then it serves /up and /version on port 80.
import { readFileSync } from "node:fs";
import http from "node:http";
import { checkPostgres, checkRedis } from "./dependencies.mjs";

const env = process.env;
const checks = [
  ["redis", () => checkRedis(env.REDIS_URL ?? "redis://localhost:6379")],
  [
    "postgres",
    () =>
      checkPostgres({
        host: env.DATABASE_HOST ?? "localhost",
        port: Number(env.DATABASE_PORT ?? 5432),
        user: env.DATABASE_USER ?? "postgres",
        database: env.DATABASE_NAME ?? env.DATABASE_USER ?? "postgres",
      }),
  ],
];

const results = await Promise.all(
  checks.map(async ([name, check]) => {
    try {
      return { name, ok: true, detail: await check() };
    } catch (error) {
      return { name, ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
  }),
);
for (const { name, ok, detail } of results) console.log(`${name}: ${ok ? "ok" : "FAILED"}: ${detail}`);
if (results.some((r) => !r.ok)) {
  console.error(`cannot start: ${results.filter((r) => !r.ok).map((r) => r.name).join(" and ")} not reachable`);
  process.exit(1);
}

const files = { "/up": "/www/up", "/version": "/www/version" };
const server = http.createServer((req, res) => {
  const file = files[new URL(req.url ?? "/", "http://app").pathname];
  if (!file) {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    return;
  }
  res.writeHead(200, { "content-type": "text/plain" }).end(readFileSync(file));
});
server.listen(80, () => console.log("listening on :80"));
// PID 1 gets no default SIGTERM handling: stop at once so that `docker stop` does not wait 10 s.
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => server.close(() => process.exit(0)));
