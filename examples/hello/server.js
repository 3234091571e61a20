// The web role: a page with the release, the container's version and host, and counters kept in Redis.
// Each visit of / is queued in Redis; the workers role takes visits off the queue and counts them. The page
// also shows the status of the workers on this server, fetched by the role's stable name on the `kamal`
// network (WORKERS_URL, http://hello-workers:3001): no address, no version in it, across deploys.
import { readFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import { connect, RedisError, redisFromEnv } from "./redis.js";

const PORT = Number(process.env.PORT ?? 3000);
const RELEASE = readFileSync(new URL("./release.txt", import.meta.url), "utf8").trim();
const VERSION = process.env.KAMAL_VERSION ?? "dev";
const HOST = process.env.KAMAL_HOST ?? os.hostname();
const CONTAINER = process.env.KAMAL_CONTAINER_NAME ?? os.hostname();
const WORKERS_URL = process.env.WORKERS_URL ?? "http://hello-workers:3001";

let redis; // a Promise of a connected client; replaced when its connection is gone

async function client() {
  if (redis) {
    const current = await redis.catch(() => undefined);
    if (current && !current.closed) return current;
  }
  redis = connect(redisFromEnv());
  return redis;
}

/** One Redis command; a dropped connection is reopened and the command tried once more. */
async function command(...args) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await (await client()).command(...args);
    } catch (error) {
      if (error instanceof RedisError || attempt >= 2) throw error;
      redis = undefined;
    }
  }
}

/** The workers' own status (GET <WORKERS_URL>/status), or {error} when they do not answer within a second. */
async function workersStatus() {
  try {
    const res = await fetch(`${WORKERS_URL}/status`, { signal: AbortSignal.timeout(1000) });
    if (!res.ok) return { error: `HTTP ${res.status}` };
    return await res.json();
  } catch (error) {
    return { error: error.cause?.code ?? error.message };
  }
}

/** Queues the visit for the workers and reads the counters. */
async function visit(path) {
  await command("LPUSH", "hello:queue", JSON.stringify({ path, at: new Date().toISOString(), via: CONTAINER }));
  return stats();
}

async function stats() {
  const [visits, queued, ticks, workers] = await Promise.all([
    command("GET", "hello:visits"),
    command("LLEN", "hello:queue"),
    command("GET", "hello:ticks"),
    command("HGETALL", "hello:workers"),
  ]);
  const seen = {};
  for (let i = 0; i + 1 < (workers ?? []).length; i += 2) seen[workers[i]] = workers[i + 1];
  return { visits: Number(visits ?? 0), queued: Number(queued ?? 0), ticks: Number(ticks ?? 0), workers: seen };
}

function workersRow(status) {
  const url = `<code>${escape(WORKERS_URL)}/status</code>`;
  if (status.error) return `<p>Workers on this server (${url}): not reachable: ${escape(status.error)}</p>`;
  return `<p>Workers on this server (${url}): <b id="worker">${escape(status.worker)}</b> counted ${status.counted} visits in ${status.ticks} ticks (version <code>${escape(String(status.version).slice(0, 12))}</code>)</p>`;
}

function page(counters, error, workers) {
  const rows = counters
    ? `<p>Visits counted by the workers: <b id="visits">${counters.visits}</b> (waiting in the queue: ${counters.queued})</p>
<p>Worker ticks: ${counters.ticks}; workers seen: ${Object.keys(counters.workers).map(escape).join(", ") || "none yet"}</p>`
    : `<p>Redis is not reachable: ${escape(error.message)}</p>`;
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>hello from dhow</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
<h1 id="release">${escape(RELEASE)}</h1>
<p>Version <code id="version">${escape(VERSION)}</code>, served by <code>${escape(CONTAINER)}</code> on ${escape(HOST)}</p>
${rows}
${workersRow(workers)}
<p><small>Reload to count another visit.</small></p>
</body></html>
`;
}

function escape(text) {
  return String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  const send = (status, type, body) => {
    res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
    res.end(body);
  };
  try {
    switch (url.pathname) {
      case "/up":
        return send(200, "text/plain", "OK\n");
      case "/version":
        return send(200, "text/plain", `${RELEASE} ${VERSION}\n`);
      case "/stats":
        return send(
          200,
          "application/json",
          `${JSON.stringify({ release: RELEASE, version: VERSION, host: HOST, ...(await stats()), workersStatus: await workersStatus() })}\n`,
        );
      case "/": {
        let counters;
        let error;
        try {
          counters = await visit(url.pathname);
        } catch (e) {
          error = e;
        }
        return send(200, "text/html; charset=utf-8", page(counters, error, await workersStatus()));
      }
      default:
        return send(404, "text/plain", "not found\n");
    }
  } catch (error) {
    return send(503, "text/plain", `unavailable: ${error.message}\n`);
  }
});

server.listen(PORT, () => console.log(`hello ${VERSION} (${RELEASE}) listening on :${PORT}`));

// As PID 1, node has no default SIGTERM handler: stop accepting, let requests finish, exit.
process.on("SIGTERM", () => {
  console.log("SIGTERM: closing");
  server.close(() => process.exit(0));
  server.closeIdleConnections?.();
  setTimeout(() => process.exit(0), 5000).unref();
});
