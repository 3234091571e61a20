// Test helpers: real HTTP backends on loopback, a started proxy, deploy requests with short timeouts, and clients.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createLogger, type Logger } from "../src/log/logger.js";
import { createExchange } from "../src/server/exchange.js";
import type { DeployRequest } from "../src/server/router.js";
import { type ClusterProxy, startClusterProxy } from "../src/cluster/cluster-proxy.js";
import { startControlServer } from "../src/control/control-server.js";
import { Server, type ServerConfig } from "../src/server/server.js";
import {
  defaultServiceOptions,
  defaultTargetOptions,
  type ServiceOptions,
  type TargetOptions,
} from "../src/server/service-options.js";

/** A running loopback backend. */
export interface Backend {
  readonly address: string;
  readonly port: number;
  readonly server: http.Server;
  readonly requests: http.IncomingMessage[];
  close(): Promise<void>;
}

/** Start a backend; the default handler answers /up with 200 and everything else with its name and the path. */
export async function startBackend(
  name: string,
  handler?: (req: http.IncomingMessage, res: http.ServerResponse) => void,
): Promise<Backend> {
  const requests: http.IncomingMessage[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req);
    if (handler) {
      handler(req, res);
      return;
    }
    if (req.url === "/up") {
      res.end("ok");
      return;
    }
    res.setHeader("content-type", "text/plain");
    res.setHeader("x-backend", name);
    res.end(`${name} ${req.url}`);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    address: `127.0.0.1:${port}`,
    port,
    server,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A started proxy on loopback with captured logs. */
export interface TestProxy {
  /** The in-process server, or (with workers) the primary's router and the workers' ports. */
  readonly server: Pick<Server, "router" | "ports">;
  /** Set when the proxy runs with several workers. */
  readonly cluster: ClusterProxy | undefined;
  readonly logs: string[];
  readonly httpUrl: string;
  readonly httpsPort: number;
  readonly logger: Logger;
  close(): Promise<void>;
}

/** Worker processes of the proxies the tests start: DHOW_PROXY_TEST_WORKERS (default 1, a single process). */
export const TEST_WORKERS = Number(process.env.DHOW_PROXY_TEST_WORKERS ?? 1);

/**
 * Start a proxy on ephemeral loopback ports: in this process, or with `workers` > 1 as a primary here and worker
 * processes from the compiled package (run `npm run build` first).
 */
export async function startProxy(
  config: Partial<ServerConfig> & { socketPath?: string; workers?: number } = {},
): Promise<TestProxy> {
  const logs: string[] = [];
  const logger = createLogger({ sink: (line) => logs.push(line), debug: true });
  const workers = config.workers ?? TEST_WORKERS;
  if (workers > 1) return startTestCluster(config, workers, logger, logs);
  const server = new Server({
    logger,
    httpPort: 0,
    httpsPort: 0,
    bind: "127.0.0.1",
    shutdownTimeoutMs: 500,
    ...config,
  });
  await server.start();
  const control = config.socketPath ? await startControlServer(config.socketPath, server.router, logger) : undefined;
  return {
    server,
    cluster: undefined,
    logs,
    logger,
    httpUrl: `http://127.0.0.1:${server.ports.http}`,
    httpsPort: server.ports.https,
    close: async () => {
      await control?.close();
      await server.stop();
    },
  };
}

let built = false;

/**
 * Workers run the compiled package: bring dist/ up to date once per test process (tsc -b is incremental). Test files
 * run in parallel processes, so the build holds a lock directory: two compilers never write dist/ at once.
 */
export function buildOnce(): void {
  if (built) return;
  const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "../../..");
  const lock = join(tmpdir(), "dhow-proxy-test-build.lock");
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`${lock} held for 3 minutes: remove it if no build is running`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  try {
    execFileSync(process.execPath, [join(repoRoot, "node_modules/typescript/bin/tsc"), "-b", "packages/proxy"], {
      cwd: repoRoot,
      stdio: "inherit",
    });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  built = true;
}

async function startTestCluster(
  config: Partial<ServerConfig> & { socketPath?: string },
  workers: number,
  logger: Logger,
  logs: string[],
): Promise<TestProxy> {
  buildOnce();
  const cluster = await startClusterProxy({
    logger,
    workers,
    debug: true,
    httpPort: config.httpPort ?? 0,
    httpsPort: config.httpsPort ?? 0,
    metricsPort: config.metricsPort,
    bind: config.bind ?? "127.0.0.1",
    stateDir: config.stateDir,
    headerReadTimeoutMs: config.headerReadTimeoutMs,
    idleTimeoutMs: config.idleTimeoutMs,
    shutdownTimeoutMs: config.shutdownTimeoutMs ?? 500,
    resolver: config.resolver,
    ...(config.tls ? { tls: config.tls } : {}),
    workerLogSink: (line) => logs.push(line),
  });
  const control = config.socketPath ? await startControlServer(config.socketPath, cluster.router, logger) : undefined;
  return {
    server: cluster,
    cluster,
    logs,
    logger,
    httpUrl: `http://127.0.0.1:${cluster.ports.http}`,
    httpsPort: cluster.ports.https,
    close: async () => {
      await control?.close();
      await cluster.stop();
    },
  };
}

/** A deploy request with test-friendly timings (50 ms health interval, 2 s deploy timeout, 1 s drain). */
export function deployRequest(
  service: string,
  targets: string[],
  overrides: { options?: Partial<ServiceOptions>; target?: Partial<TargetOptions>; readers?: string[] } & Partial<
    DeployRequest["deployment"]
  > = {},
): DeployRequest {
  const targetOptions = { ...defaultTargetOptions(), ...overrides.target };
  targetOptions.healthCheck = {
    ...targetOptions.healthCheck,
    intervalMs: 50,
    timeoutMs: 1000,
    ...overrides.target?.healthCheck,
  };
  return {
    service,
    targets,
    readers: overrides.readers ?? [],
    serviceOptions: { ...defaultServiceOptions(), ...overrides.options },
    targetOptions,
    deployment: {
      deployTimeoutMs: overrides.deployTimeoutMs ?? 2000,
      drainTimeoutMs: overrides.drainTimeoutMs ?? 1000,
      force: overrides.force ?? false,
    },
  };
}

/** A simple response. */
export interface SimpleResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP/1.1 request without connection reuse. */
export function request(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; agent?: http.Agent } = {},
): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: options.method ?? "GET", headers: options.headers, agent: options.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.once("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        );
        res.once("error", reject);
      },
    );
    req.once("error", reject);
    req.end(options.body);
  });
}

/** A fresh temp directory. */
export function tempDir(prefix = "dhow-proxy-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A self-signed certificate (openssl) for the given DNS names; returns the PEM file paths. */
export function selfSignedCertificate(dir: string, names: string[], file = "cert"): { cert: string; key: string } {
  const cert = join(dir, `${file}.pem`);
  const key = join(dir, `${file}-key.pem`);
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
      `/CN=${names[0]}`,
      "-addext",
      `subjectAltName=${names.map((n) => (/^[\d.]+$/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(",")}`,
    ],
    { stdio: "ignore" },
  );
  return { cert, key };
}

/** Parsed JSON log lines with a given msg. */
export function logLines(logs: string[], msg: string): Record<string, unknown>[] {
  return logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === msg);
}

/** Wait until `check` is true (polling), or fail after `timeoutMs`. */
export async function eventually(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A captured response written by a middleware under test. */
export interface FakeResponse {
  status: number;
  headers: Record<string, unknown>;
  body: string;
  headersSent: boolean;
  destroyed: boolean;
}

/** An Exchange over fake req/res objects, for middleware unit tests that only touch headers and simple writes. */
export function fakeExchange(
  init: {
    method?: string;
    url?: string;
    headers?: Record<string, string>;
    secure?: boolean;
    listenPort?: number;
    remoteAddress?: string;
  } = {},
): { ex: import("../src/server/exchange.js").Exchange; res: FakeResponse } {
  const captured: FakeResponse = { status: 0, headers: {}, body: "", headersSent: false, destroyed: false };
  const req = {
    method: init.method ?? "GET",
    url: init.url ?? "/",
    headers: { host: "example.com", ...init.headers },
    httpVersionMajor: 1,
    httpVersionMinor: 1,
    socket: { remoteAddress: init.remoteAddress ?? "10.0.0.1", remotePort: 5555 },
  };
  const res = {
    get headersSent() {
      return captured.headersSent;
    },
    get destroyed() {
      return captured.destroyed;
    },
    writeHead(status: number, headers: Record<string, unknown>) {
      captured.status = status;
      captured.headers = headers;
      captured.headersSent = true;
      return res;
    },
    end(body?: string | Buffer) {
      captured.body += body === undefined ? "" : body.toString();
    },
    destroy() {
      captured.destroyed = true;
    },
    once() {
      return res;
    },
  };
  const ex = createExchange({
    req: req as unknown as import("node:http").IncomingMessage,
    res: res as unknown as import("node:http").ServerResponse,
    secure: init.secure ?? false,
    listenPort: init.listenPort ?? 80,
  });
  return { ex, res: captured };
}
