// `npm run bench:proxy`: dhow-proxy, nginx and Caddy side by side in front of one backend, measured with wrk, in two
// shapes in one run: one worker each (dhow-proxy `--workers=1`; nginx `worker_processes 1`; Caddy `GOMAXPROCS=1`)
// and all cores each (dhow-proxy's default of one worker per core; nginx `worker_processes auto`; Caddy's default).
//
// Fairness: the same backend (an nginx worker answering a fixed 1 KiB body), the same wrk settings (keep-alive,
// 32 connections, 2 threads, BENCH_DURATION s per run, default 10, after a 2 s warm-up), and runs alternate their
// order (shapes and proxies) so drift on this shared machine hits everyone alike. Access logs: dhow-proxy always writes its JSON line per request
// (to /dev/null here; kamal-proxy has no switch for it), nginx logs to /dev/null as its default config does, Caddy
// does not log (its default). Only loopback traffic.
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { availableParallelism, tmpdir } from "node:os";
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
type Shape = "one worker" | "all cores";
const SHAPES: Shape[] = ["one worker", "all cores"];
const PROXIES: ProxyName[] = ["dhow-proxy", "nginx", "caddy"];

interface Endpoint {
  url: string;
  host: string;
}

interface RunResult {
  shape: Shape;
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
  const backendPort = await freePort();
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

  startNginx(dir, "backend", backendConfig(dir, backendPort));
  await waitForHttp(backendPort, "/up");

  const pids = new Map<string, () => number[]>();
  const endpoints = new Map<string, Record<Scenario, Endpoint>>();
  for (const shape of SHAPES) {
    const all = shape === "all cores";
    const tag = all ? "all" : "one";
    for (const proxy of PROXIES) {
      const httpPort = await freePort();
      const httpsPort = await freePort();
      const started =
        proxy === "dhow-proxy"
          ? await startDhow(
              join(dir, `dhow-${tag}`),
              { http: httpPort, https: httpsPort, backend: backendPort },
              cert,
              key,
              all,
            )
          : proxy === "nginx"
            ? startNginx(
                dir,
                `proxy-${tag}`,
                nginxProxyConfig(dir, tag, { http: httpPort, https: httpsPort, backend: backendPort }, cert, key, all),
              )
            : startCaddy(
                join(dir, `caddy-${tag}`),
                { http: httpPort, https: httpsPort, backend: backendPort },
                cert,
                key,
                all,
              );
      pids.set(`${shape}/${proxy}`, started);
      endpoints.set(`${shape}/${proxy}`, {
        plain: { url: `http://127.0.0.1:${httpPort}/`, host: "plain.bench" },
        tls: { url: `https://127.0.0.1:${httpsPort}/`, host: "127.0.0.1" },
        buffered: { url: `http://127.0.0.1:${httpPort}/`, host: "buf.bench" },
      });
      await waitForHttp(httpPort, "/", "plain.bench");
    }
  }

  // Alternate the order of shapes and proxies from run to run.
  const plan: [Shape, Scenario, ProxyName[]][] = [];
  const scenarios: Scenario[] = [...Array<Scenario>(PLAIN_ROUNDS).fill("plain"), "tls", "buffered"];
  scenarios.forEach((scenario, round) => {
    const shapes = round % 2 === 0 ? SHAPES : [...SHAPES].reverse();
    shapes.forEach((shape, i) => {
      const rotation = (round + i) % PROXIES.length;
      const proxies = [...PROXIES.slice(rotation), ...PROXIES.slice(0, rotation)];
      plan.push([shape, scenario, (round + i) % 2 === 0 ? proxies : proxies.reverse()]);
    });
  });

  console.log(
    `wrk -t${THREADS} -c${CONNECTIONS} -d${DURATION_S}s (keep-alive), warm-up ${WARMUP_S}s; ${availableParallelism()} cores; shapes: one worker each, all cores each`,
  );
  const results: RunResult[] = [];
  for (const [shape, scenario, proxies] of plan) {
    for (const proxy of proxies) {
      const endpoint = endpoints.get(`${shape}/${proxy}`)![scenario];
      const script = scenario === "buffered" ? postScript : undefined;
      const processes = pids.get(`${shape}/${proxy}`)!;
      wrk(endpoint, WARMUP_S, script);
      const before = cpuTicks(processes());
      const result = wrk(endpoint, DURATION_S, script);
      const ticks = cpuTicks(processes()) - before;
      const requests = result.rps * DURATION_S;
      results.push({
        shape,
        scenario,
        proxy,
        ...result,
        cpuUsPerRequest: ticks > 0 && requests > 0 ? (ticks * 10_000) / requests : undefined,
      });
      const last = results.at(-1)!;
      console.log(
        `  ${shape.padEnd(10)} ${scenario.padEnd(9)} ${proxy.padEnd(11)} ${fmt(last.rps, 0).padStart(9)} req/s  p99 ${fmt(last.p99Ms, 2)}ms`,
      );
    }
  }
  printTable(results);
}

function printTable(results: RunResult[]): void {
  const merged = new Map<string, RunResult & { runs: number }>();
  for (const r of results) {
    const key = `${r.shape}/${r.scenario}/${r.proxy}`;
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
  const rows = [
    ["shape", "scenario", "proxy", "runs", "req/s", "p50", "p99", "errors", "CPU µs/req", "dhow-proxy ÷ this"],
  ];
  for (const shape of SHAPES) {
    for (const scenario of ["plain", "tls", "buffered"] as Scenario[]) {
      const own = merged.get(`${shape}/${scenario}/dhow-proxy`)!;
      for (const proxy of PROXIES) {
        const r = merged.get(`${shape}/${scenario}/${proxy}`)!;
        rows.push([
          shape,
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
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  console.log("");
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join("  "));
  const plain = (shape: Shape, proxy: ProxyName) => merged.get(`${shape}/plain/${proxy}`)!;
  const ratios = (shape: Shape) => ({
    caddy: fmt(plain(shape, "dhow-proxy").rps / plain(shape, "caddy").rps, 2),
    nginx: fmt(plain(shape, "dhow-proxy").rps / plain(shape, "nginx").rps, 2),
    p99: fmt(plain(shape, "dhow-proxy").p99Ms / plain(shape, "caddy").p99Ms, 2),
  });
  const one = ratios("one worker");
  console.log("");
  console.log(`one worker, plain: vs Caddy ${one.caddy}, vs nginx ${one.nginx}, p99 vs Caddy ${one.p99}`);
  console.log("all cores, plain:");
  const all = ratios("all cores");
  console.log(`vs Caddy: ${all.caddy}`);
  console.log(`vs nginx: ${all.nginx}`);
  console.log(`p99 vs Caddy: ${all.p99}`);
}

function wrk(
  endpoint: Endpoint,
  seconds: number,
  script?: string,
): Omit<RunResult, "shape" | "scenario" | "proxy" | "cpuUsPerRequest"> {
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

function nginxProxyConfig(
  dir: string,
  tag: string,
  ports: { http: number; https: number; backend: number },
  cert: string,
  key: string,
  allCores: boolean,
): string {
  const common = `proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;`;
  return `${nginxPreamble(dir, `proxy-${tag}`, allCores)}
http {
  access_log /dev/null;
  keepalive_requests 1000000;
  upstream backend { server 127.0.0.1:${ports.backend}; keepalive 64; }
  server {
    listen 127.0.0.1:${ports.http} default_server;
    server_name plain.bench;
    location / { proxy_pass http://backend; proxy_buffering off; proxy_request_buffering off; ${common} }
  }
  server {
    listen 127.0.0.1:${ports.http};
    server_name buf.bench;
    location / { proxy_pass http://backend; proxy_buffering on; proxy_request_buffering on; ${common} }
  }
  server {
    listen 127.0.0.1:${ports.https} ssl;
    server_name _;
    ssl_certificate ${cert};
    ssl_certificate_key ${key};
    location / { proxy_pass http://backend; proxy_buffering off; proxy_request_buffering off; ${common} }
  }
}
`;
}

function nginxPreamble(dir: string, name: string, allCores = false): string {
  const user = process.getuid?.() === 0 ? "user root;\n" : "";
  return `${user}worker_processes ${allCores ? "auto" : "1"};
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
  return () => withChildren(child.pid!);
}

function startCaddy(
  dir: string,
  ports: { http: number; https: number; backend: number },
  cert: string,
  key: string,
  allCores: boolean,
): () => number[] {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "Caddyfile");
  writeFileSync(
    path,
    `{
	admin off
	auto_https off
}

http://plain.bench:${ports.http} {
	reverse_proxy 127.0.0.1:${ports.backend}
}

http://buf.bench:${ports.http} {
	reverse_proxy 127.0.0.1:${ports.backend} {
		buffer_requests
		buffer_responses
	}
}

https://127.0.0.1:${ports.https} {
	tls ${cert} ${key}
	reverse_proxy 127.0.0.1:${ports.backend}
}
`,
  );
  const child = spawn("caddy", ["run", "--config", path, "--adapter", "caddyfile"], {
    stdio: "ignore",
    env: {
      ...process.env,
      ...(allCores ? {} : { GOMAXPROCS: "1" }),
      XDG_DATA_HOME: dir,
      XDG_CONFIG_HOME: dir,
      HOME: dir,
    },
  });
  children.push(child);
  return () => [child.pid!];
}

async function startDhow(
  dir: string,
  ports: { http: number; https: number; backend: number },
  cert: string,
  key: string,
  allCores: boolean,
): Promise<() => number[]> {
  mkdirSync(dir, { recursive: true });
  const env = { ...process.env, HOME: dir, KAMAL_PROXY_SOCKET: join(dir, "dhow-proxy.sock") };
  const workers = allCores ? [] : ["--workers=1"];
  const child = spawn(
    process.execPath,
    [proxyBin, "run", `--http-port=${ports.http}`, `--https-port=${ports.https}`, ...workers],
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
  return () => withChildren(child.pid!);
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

/** A process and its children (nginx workers, dhow-proxy workers). */
function withChildren(pid: number): number[] {
  const workers = spawnSync("pgrep", ["-P", String(pid)], { encoding: "utf8" })
    .stdout.trim()
    .split("\n");
  return [pid, ...workers.filter(Boolean).map(Number)];
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
