// The `service-names` scenario's scraper: run from the app's image in a container of its own on the `kamal`
// network (`node scraper.mjs URL…`), it GETs every URL every 100 ms (one loop per URL, one request in flight
// each), each on a new connection with a fresh name lookup (no keep-alive agent), and prints one JSON line per
// request: {url, at (start, ms since the epoch), ms, body} or {url, at, ms, error, kind} with kind
// "resolve" (the name did not resolve), "connect" (refused, reset, unreachable, timed out) or "status".
import http from "node:http";

const INTERVAL_MS = 100;
const TIMEOUT_MS = 2000;
const RESOLVE_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_FAIL", "EAI_NONAME", "EAI_NODATA"]);

function get(url) {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, headers: { connection: "close" }, timeout: TIMEOUT_MS }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        body += chunk;
      });
      res.on("end", () =>
        resolve(res.statusCode === 200 ? { body: body.trim() } : { kind: "status", error: `${res.statusCode} ${body.trim()}` }),
      );
      res.on("error", (error) => resolve({ kind: "connect", error: error.message }));
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error(`no answer in ${TIMEOUT_MS} ms`), { code: "ETIMEDOUT" })));
    req.on("error", (error) =>
      resolve({ kind: RESOLVE_CODES.has(error.code) ? "resolve" : "connect", error: `${error.code ?? ""} ${error.message}`.trim() }),
    );
  });
}

async function loop(url) {
  for (;;) {
    const at = Date.now();
    const result = await get(url);
    process.stdout.write(`${JSON.stringify({ url, at, ms: Date.now() - at, ...result })}\n`);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, at + INTERVAL_MS - Date.now())));
  }
}

process.on("SIGTERM", () => process.exit(0));
await Promise.all(process.argv.slice(2).map(loop));
