// The workers role (`cmd: node worker.js`, on every server): takes visits off the Redis queue and counts them,
// and records a heartbeat tick, so the page shows work really done by another container. It also answers HTTP
// on port 3001 (WORKER_PORT), which web reaches by the role's stable name, http://hello-workers:3001:
//   /up      200 once connected to Redis (Docker's health check, `node healthcheck.js`), 503 before and while stopping
//   /version the release and the version, like web's
//   /status  this worker's job counts as JSON (what the page shows)
import { readFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import { connect, redisFromEnv } from "./redis.js";

const PORT = Number(process.env.WORKER_PORT ?? 3001);
const RELEASE = readFileSync(new URL("./release.txt", import.meta.url), "utf8").trim();
const VERSION = process.env.KAMAL_VERSION ?? "dev";
const HOST = process.env.KAMAL_HOST ?? os.hostname();
const NAME = process.env.KAMAL_HOST ? `${HOST}/${VERSION.slice(0, 12)}` : os.hostname();
const BLOCK_SECONDS = 1;
const counts = { counted: 0, ticks: 0, startedAt: new Date().toISOString(), lastTickAt: null };
let connected = false;
let stopping = false;

const server = http.createServer((req, res) => {
  const send = (status, type, body) => {
    res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
    res.end(body);
  };
  switch (new URL(req.url ?? "/", "http://localhost").pathname) {
    case "/up":
      return connected && !stopping ? send(200, "text/plain", "OK\n") : send(503, "text/plain", "not ready\n");
    case "/version":
      return send(200, "text/plain", `${RELEASE} ${VERSION}\n`);
    case "/status":
      return send(
        200,
        "application/json",
        `${JSON.stringify({ worker: NAME, release: RELEASE, version: VERSION, host: HOST, ...counts })}\n`,
      );
    default:
      return send(404, "text/plain", "not found\n");
  }
});
server.listen(PORT, () => console.log(`worker ${NAME} answers on :${PORT}`));

process.on("SIGTERM", () => {
  console.log("SIGTERM: finishing the current item");
  stopping = true;
});

async function work() {
  const redis = await connect({ ...redisFromEnv(), timeoutMs: (BLOCK_SECONDS + 5) * 1000 });
  console.log(`worker ${NAME} connected to redis`);
  connected = true;
  try {
    while (!stopping) {
      const item = await redis.command("BRPOP", "hello:queue", BLOCK_SECONDS);
      if (item) {
        await redis.command("INCR", "hello:visits");
        counts.counted++;
        console.log(`counted visit ${item[1]}`);
      }
      await redis.command("INCR", "hello:ticks");
      counts.lastTickAt = new Date().toISOString();
      await redis.command("HSET", "hello:workers", NAME, counts.lastTickAt);
      counts.ticks++;
    }
  } finally {
    redis.close();
  }
}

while (!stopping) {
  try {
    await work();
  } catch (error) {
    console.log(`worker: ${error.message}; retrying in 1s`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
server.close();
process.exit(0);
