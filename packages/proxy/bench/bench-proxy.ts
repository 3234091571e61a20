// `npm run bench:proxy`: dhow-proxy, nginx and Caddy side by side in front of one backend, measured with wrk.
//
// Fairness: every proxy gets one worker (dhow-proxy is one Node process; nginx `worker_processes 1`; Caddy
// `GOMAXPROCS=1`), the same backend (an nginx worker answering a fixed 1 KiB body), the same wrk settings
// (keep-alive, 32 connections, 2 threads, ≥10 s per run after a 2 s warm-up), and runs alternate their order so
// drift on this shared machine hits everyone alike. Access logs: dhow-proxy always writes its JSON line per request
// (to /dev/null here; kamal-proxy has no switch for it), nginx logs to /dev/null as its default config does, Caddy
// does not log (its default). Only loopback traffic.
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const DURATION_S = Math.max(1, Number(process.env.BENCH_DURATION ?? 10));
const WARMUP_S = 2;
const CONNECTIONS = 32;
const THREADS = 2;
const PLAIN_ROUNDS = 2;
const BODY = `${"dhow-proxy benchmark payload. ".repeat(35).slice(0, 1023)}\n`;

type ProxyName = "dhow-proxy" | "nginx" | "caddy";
type Scenario = "plain" | "tls" | "buffered";

interface Endpoint {
  url: string;
  host: string;
}

interface RunResult {
  scenario: Scenario;
  proxy: ProxyName;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  cpuUsPerRequest: number | undefined;
}

const children: ChildProcess[] = [];
const here = dirname(fileURLToPath(import.meta.url));
const proxyBin = resolve(here, "../bin/dhow-proxy.js");

main().then(
  () => shutdown(0),
  (error: Error) => {
    console.error(`bench failed: ${error.message}`);
    shutdown(1);
  },
);
process.on("SIGINT", () => shutdown(130));

async function main(): Promise<void> {
  ensureTools();
  const dir = mkdtempSync(join(tmpdir(), "dhow-proxy-bench-"));
  const ports = {
    backend: await freePort(),
    dhowHttp: await freePort(),
    dhowHttps: await freePort(),
    nginxHttp: await freePort(),
    nginxHttps: await freePort(),
    caddyHttp: await freePort(),
    caddyHttps: await freePort(),
  };
  const cert = join(dir, "cert.pem");
  const key = join(dir, "key.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "2",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1,DNS:tls.bench",
    ],
    { stdio: "ignore" },
  );
  const postScript = join(dir, "post.lua");
  writeFileSync(
    postScript,
    `wrk.method = "POST"\nwrk.body = string.rep("x", 1024)\nwrk.headers["Content-Type"] = "text/plain"\n`,
  );

  startNginx(dir, "backend", backendConfig(dir, ports.backend));
  await waitForHttp(ports.backend, "/up");
  const pids: Record<ProxyName, () => number[]> = {
    "dhow-proxy": () => [],
    nginx: () => [],
    caddy: () => [],
  };
  pids["dhow-proxy"] = await startDhow(dir, ports, cert, key);
  pids.nginx = startNginx(dir, "proxy", nginxProxyConfig(dir, ports, cert, key));
  pids.caddy = startCaddy(dir, ports, cert, key);
  await Promise.all([waitForHttp(ports.nginxHttp, "/"), waitForHttp(ports.caddyHttp, "/", "plain.bench")]);

  const endpoints: Record<ProxyName, Record<Scenario, Endpoint>> = {
    "dhow-proxy": {
      plain: { url: `http://127.0.0.1:${ports.dhowHttp}/`, host: "plain.bench" },
      tls: { url: `https://127.0.0.1:${ports.dhowHttps}/`, host: "127.0.0.1" },
      buffered: { url: `http://127.0.0.1:${ports.dhowHttp}/`, host: "buf.bench" },
    },
    nginx: {
      plain: { url: `http://127.0.0.1:${ports.nginxHttp}/`, host: "plain.bench" },
      tls: { url: `https://127.0.0.1:${ports.nginxHttps}/`, host: "127.0.0.1" },
      buffered: { url: `http://127.0.0.1:${ports.nginxHttp}/`, host: "buf.bench" },
    },
    caddy: {
      plain: { url: `http://127.0.0.1:${ports.caddyHttp}/`, host: "plain.bench" },
      tls: { url: `https://127.0.0.1:${ports.caddyHttps}/`, host: "127.0.0.1" },
      buffered: { url: `http://127.0.0.1:${ports.caddyHttp}/`, host: "buf.bench" },
    },
  };

  const order: ProxyName[] = ["dhow-proxy", "nginx", "caddy"];
  const plan: [Scenario, ProxyName[]][] = [];
  for (let round = 0; round < PLAIN_ROUNDS; round++)
    plan.push(["plain", round % 2 === 0 ? order : [...order].reverse()]);
  plan.push(["tls", ["caddy", "dhow-proxy", "nginx"]]);
  plan.push(["buffered", ["nginx", "caddy", "dhow-proxy"]]);

  console.log(
    `wrk -t${THREADS} -c${CONNECTIONS} -d${DURATION_S}s (keep-alive), warm-up ${WARMUP_S}s, 1 worker per proxy`,
  );
  const results: RunResult[] = [];
  for (const [scenario, proxies] of plan) {
    for (const proxy of proxies) {
      const endpoint = endpoints[proxy][scenario];
      const script = scenario === "buffered" ? postScript : undefined;
      wrk(endpoint, WARMUP_S, script);
      const before = cpuTicks(pids[proxy]());
      const result = wrk(endpoint, DURATION_S, script);
      const ticks = cpuTicks(pids[proxy]()) - before;
      const requests = result.rps * DURATION_S;
      results.push({
        scenario,
        proxy,
        ...result,
        cpuUsPerRequest: ticks > 0 && requests > 0 ? (ticks * 10_000) / requests : undefined,
      });
      const last = results.at(-1)!;
      console.log(`  ${scenario.padEnd(9)} ${proxy.padEnd(11)} ${fmt(last.rps, 0).padStart(9)} req/s`);
    }
  }
  printTable(results);
}

function printTable(results: RunResult[]): void {
  const merged = new Map<string, RunResult & { runs: number }>();
  for (const r of results) {
    const key = `${r.scenario}/${r.proxy}`;
    const m = merged.get(key);
    if (!m) merged.set(key, { ...r, runs: 1 });
    else {
      const n = m.runs;
      m.rps = (m.rps * n + r.rps) / (n + 1);
      m.p50Ms = (m.p50Ms * n + r.p50Ms) / (n + 1);
      m.p99Ms = (m.p99Ms * n + r.p99Ms) / (n + 1);
      m.errors += r.errors;
      m.cpuUsPerRequest =
        m.cpuUsPerRequest !== undefined && r.cpuUsPerRequest !== undefined
          ? (m.cpuUsPerRequest * n + r.cpuUsPerRequest) / (n + 1)
          : undefined;
      m.runs = n + 1;
    }
  }
  const rows = [["scenario", "proxy", "runs", "req/s", "p50", "p99", "errors", "CPU µs/req", "dhow-proxy ÷ this"]];
  for (const scenario of ["plain", "tls", "buffered"] as Scenario[]) {
    const own = merged.get(`${scenario}/dhow-proxy`)!;
    for (const proxy of ["dhow-proxy", "nginx", "caddy"] as ProxyName[]) {
      const r = merged.get(`${scenario}/${proxy}`)!;
      rows.push([
        scenario,
        proxy,
        String(r.runs),
        fmt(r.rps, 0),
        `${fmt(r.p50Ms, 2)}ms`,
        `${fmt(r.p99Ms, 2)}ms`,
        String(r.errors),
        r.cpuUsPerRequest === undefined ? "-" : fmt(r.cpuUsPerRequest, 1),
        proxy === "dhow-proxy" ? "-" : fmt(own.rps / r.rps, 2),
      ]);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  console.log("");
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join("  "));
  const plain = (proxy: ProxyName) => merged.get(`plain/${proxy}`)!.rps;
  console.log("");
  console.log(`vs Caddy: ${fmt(plain("dhow-proxy") / plain("caddy"), 2)}`);
  console.log(`vs nginx: ${fmt(plain("dhow-proxy") / plain("nginx"), 2)}`);
}

function wrk(
  endpoint: Endpoint,
  seconds: number,
  script?: string,
): Omit<RunResult, "scenario" | "proxy" | "cpuUsPerRequest"> {
  const args = [`-t${THREADS}`, `-c${CONNECTIONS}`, `-d${seconds}s`, "--latency", "-H", `Host: ${endpoint.host}`];
  if (script) args.push("-s", script);
  args.push(endpoint.url);
  const out = execFileSync("wrk", args, { encoding: "utf8" });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0);
  const latency = (pct: string) => toMs(new RegExp(`^\\s+${pct}%\\s+([\\d.]+)(us|ms|s)`, "m").exec(out));
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  return { rps, p50Ms: latency("50"), p99Ms: latency("99"), errors: non2xx + socketErrors };
}

function toMs(match: RegExpExecArray | null): number {
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  return match[2] === "us" ? value / 1000 : match[2] === "s" ? value * 1000 : value;
}

function backendConfig(dir: string, port: number): string {
  return `${nginxPreamble(dir, "backend")}
http {
  access_log off;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:${port} reuseport;
    location = /up { return 200 "ok\\n"; }
    location / { default_type text/plain; return 200 "${BODY.replace(/\n/g, "\\n")}"; }
  }
}
`;
}

function nginxProxyConfig(dir: string, ports: Record<string, number>, cert: string, key: string): string {
  const common = `proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;`;
  return `${nginxPreamble(dir, "proxy")}
http {
  access_log /dev/null;
  keepalive_requests 1000000;
  upstream backend { server 127.0.0.1:${ports.backend}; keepalive 64; }
  server {
    listen 127.0.0.1:${ports.nginxHttp} default_server;
    server_name plain.bench;
    location / { proxy_pass http://backend; proxy_buffering off; proxy_request_buffering off; ${common} }
  }
  server {
    listen 127.0.0.1:${ports.nginxHttp};
    server_name buf.bench;
    location / { proxy_pass http://backend; proxy_buffering on; proxy_request_buffering on; ${common} }
  }
  server {
    listen 127.0.0.1:${ports.nginxHttps} ssl;
    server_name _;
    ssl_certificate ${cert};
    ssl_certificate_key ${key};
    location / { proxy_pass http://backend; proxy_buffering off; proxy_request_buffering off; ${common} }
  }
}
`;
}

function nginxPreamble(dir: string, name: string): string {
  const user = process.getuid?.() === 0 ? "user root;\n" : "";
  return `${user}worker_processes 1;
daemon off;
pid ${join(dir, `nginx-${name}.pid`)};
error_log ${join(dir, `nginx-${name}.err`)};
events { worker_connections 4096; }`;
}

function startNginx(dir: string, name: string, config: string): () => number[] {
  const path = join(dir, `nginx-${name}.conf`);
  const temp = join(dir, `nginx-${name}-tmp`);
  writeFileSync(
    path,
    config.replace(
      "http {",
      `http {
  client_body_temp_path ${temp}-body;
  proxy_temp_path ${temp}-proxy;
  fastcgi_temp_path ${temp}-fastcgi;
  uwsgi_temp_path ${temp}-uwsgi;
  scgi_temp_path ${temp}-scgi;`,
    ),
  );
  const child = spawn("nginx", ["-c", path, "-p", dir], { stdio: "ignore" });
  children.push(child);
  return () => {
    const workers = spawnSync("pgrep", ["-P", String(child.pid)], { encoding: "utf8" })
      .stdout.trim()
      .split("\n");
    return [child.pid!, ...workers.filter(Boolean).map(Number)];
  };
}

function startCaddy(dir: string, ports: Record<string, number>, cert: string, key: string): () => number[] {
  const path = join(dir, "Caddyfile");
  writeFileSync(
    path,
    `{
	admin off
	auto_https off
}

http://plain.bench:${ports.caddyHttp} {
	reverse_proxy 127.0.0.1:${ports.backend}
}

http://buf.bench:${ports.caddyHttp} {
	reverse_proxy 127.0.0.1:${ports.backend} {
		buffer_requests
		buffer_responses
	}
}

https://127.0.0.1:${ports.caddyHttps} {
	tls ${cert} ${key}
	reverse_proxy 127.0.0.1:${ports.backend}
}
`,
  );
  const child = spawn("caddy", ["run", "--config", path, "--adapter", "caddyfile"], {
    stdio: "ignore",
    env: { ...process.env, GOMAXPROCS: "1", XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir, HOME: dir },
  });
  children.push(child);
  return () => [child.pid!];
}

async function startDhow(
  dir: string,
  ports: Record<string, number>,
  cert: string,
  key: string,
): Promise<() => number[]> {
  const env = { ...process.env, HOME: dir, KAMAL_PROXY_SOCKET: join(dir, "dhow-proxy.sock") };
  const child = spawn(
    process.execPath,
    [proxyBin, "run", `--http-port=${ports.dhowHttp}`, `--https-port=${ports.dhowHttps}`],
    {
      stdio: "ignore",
      env,
    },
  );
  children.push(child);
  await waitForSocket(env.KAMAL_PROXY_SOCKET);
  const target = `--target=127.0.0.1:${ports.backend}`;
  const deploy = (args: string[]) =>
    execFileSync(process.execPath, [proxyBin, "deploy", ...args, target, "--deploy-timeout=10s"], {
      env,
      stdio: "inherit",
    });
  deploy(["plain", "--host=plain.bench"]);
  deploy(["buffered", "--host=buf.bench", "--buffer-requests", "--buffer-responses"]);
  deploy(["tls", "--host=127.0.0.1", "--tls", `--tls-certificate-path=${cert}`, `--tls-private-key-path=${key}`]);
  return () => [child.pid!];
}

function ensureTools(): void {
  const missing = ["wrk", "nginx", "caddy", "openssl"].filter((tool) => spawnSync("which", [tool]).status !== 0);
  if (missing.length === 0) return;
  const packages = missing.map((tool) => ({ nginx: "nginx-light" })[tool] ?? tool);
  if (process.getuid?.() === 0 && spawnSync("which", ["apt-get"]).status === 0) {
    console.log(`installing ${packages.join(" ")} with apt-get`);
    execFileSync("apt-get", ["install", "-y", "-qq", ...packages], {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    return;
  }
  throw new Error(`missing ${missing.join(", ")}: run apt-get install -y ${packages.join(" ")}`);
}

function cpuTicks(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      total += Number(fields[11]) + Number(fields[12]);
    } catch {
      // process gone or not Linux
    }
  }
  return total;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolvePort(port));
    });
  });
}

async function waitForHttp(port: number, path: string, host = "127.0.0.1"): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((done) => {
      http
        .get({ host: "127.0.0.1", port, path, headers: { host }, agent: false }, (res) => {
          res.resume();
          done((res.statusCode ?? 500) < 500);
        })
        .on("error", () => done(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing answered on port ${port}`);
}

async function waitForSocket(path: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise<boolean>((done) => {
      const socket = net.connect(path);
      socket.once("connect", () => {
        socket.destroy();
        done(true);
      });
      socket.once("error", () => done(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("dhow-proxy did not start");
}

function fmt(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : "n/a";
}

function shutdown(code: number): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  }
  process.exit(code);
}
