// The `service-names` scenario's app (issue 10), one image for both roles: `node server.mjs web` (port 80,
// behind the proxy) and `node server.mjs workers` (port 3001, no proxy, a Docker health check). Node 20, no npm
// packages.
//
// - /up: 503 for `delay` seconds after start (the file /app/delay), then 200 only if Redis answers PING at
//   REDIS_HOST:REDIS_PORT (a name: the scenario's deploy.yml has no address for it).
// - /version: the file /app/version ("v3") once this container answered its health check (a 200 from /up:
//   the proxy's check for web, Docker's for workers), "unhealthy-v3" before: an answer that reached a container
//   before its health check passed is visible to whoever polls it.
// - /redis: PING Redis now; "PONG from <address>:<port> (<name>)".
// - /metrics: Prometheus text format (requests answered, whether healthy, the version as a label).
import { readFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";

const ROLE = process.argv[2] ?? "web";
const PORT = ROLE === "web" ? 80 : 3001;
const VERSION = readFileSync("/app/version", "utf8").trim();
const DELAY_MS = Number(readFileSync("/app/delay", "utf8").trim() || 0) * 1000;
const REDIS = { host: process.env.REDIS_HOST ?? "localhost", port: Number(process.env.REDIS_PORT ?? 6379) };
const started = Date.now();
let healthy = false;
let requests = 0;

/** One RESP PING on a fresh connection (so the name is resolved again each time). */
function ping() {
  return new Promise((resolve, reject) => {
    const socket = net.connect(REDIS);
    const fail = (message) => {
      socket.destroy();
      reject(new Error(`${REDIS.host}:${REDIS.port}: ${message}`));
    };
    socket.setTimeout(1000, () => fail("no answer in 1000 ms"));
    socket.on("error", (error) => fail(error.message));
    socket.on("connect", () => socket.write("*1\r\n$4\r\nPING\r\n"));
    socket.on("data", (chunk) => {
      const answer = chunk.toString("utf8").trim();
      const peer = `${socket.remoteAddress}:${socket.remotePort}`;
      socket.end();
      if (answer === "+PONG") resolve(`PONG from ${peer} (${REDIS.host})`);
      else reject(new Error(`${REDIS.host}:${REDIS.port} answered ${answer}`));
    });
  });
}

function metrics() {
  return [
    "# HELP shop_requests_total HTTP requests this container answered.",
    "# TYPE shop_requests_total counter",
    `shop_requests_total ${requests}`,
    "# HELP shop_healthy 1 once this container answered its health check.",
    "# TYPE shop_healthy gauge",
    `shop_healthy ${healthy ? 1 : 0}`,
    "# HELP shop_build_info The version this container runs.",
    "# TYPE shop_build_info gauge",
    `shop_build_info{version="${VERSION}",role="${ROLE}"} 1`,
    "",
  ].join("\n");
}

const server = http.createServer(async (req, res) => {
  requests++;
  const send = (status, body, type = "text/plain") => {
    res.writeHead(status, { "content-type": type }).end(body);
  };
  switch (new URL(req.url ?? "/", "http://app").pathname) {
    case "/up": {
      if (Date.now() - started < DELAY_MS) return send(503, "starting\n");
      try {
        await ping();
        healthy = true;
        return send(200, "OK\n");
      } catch (error) {
        return send(503, `redis: ${error.message}\n`);
      }
    }
    case "/version":
      return send(200, `${healthy ? "" : "unhealthy-"}${VERSION}\n`);
    case "/redis":
      try {
        return send(200, `${await ping()}\n`);
      } catch (error) {
        return send(503, `redis: ${error.message}\n`);
      }
    case "/metrics":
      return send(200, metrics(), "text/plain; version=0.0.4");
    default:
      return send(404, "not found\n");
  }
});
server.listen(PORT, () => console.log(`${ROLE} ${VERSION} listening on :${PORT}, ready after ${DELAY_MS} ms`));

// PID 1 gets no default SIGTERM handling: finish what is in flight, then exit (docker stop need not wait 10 s).
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    console.log(`${signal}: closing`);
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 3000).unref();
  });
}
