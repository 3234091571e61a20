// The proxy server: HTTP, HTTPS (HTTP/2 + HTTP/1.1 via ALPN, certificates by SNI) and metrics listeners, the
// state restore, and graceful shutdown. The control socket is opened by the caller (control/ sits above server/).
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import { join } from "node:path";
import tls from "node:tls";
import {
  DEFAULT_HEADER_READ_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_HEADER_PAIRS,
  DEFAULT_MAX_HEADER_SIZE,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS,
  STATE_FILE_NAME,
} from "../defaults.js";
import type { TargetResolver } from "../dns/resolver.js";
import type { Logger } from "../log/logger.js";
import { Metrics } from "../metrics/metrics.js";
import { createCertManagerFactory, type TlsSettings } from "./cert-manager-factory.js";
import { clientHelloLength, parseClientHello } from "../tls/client-hello.js";
import { createRequestListener, createUpgradeListener, type PipelineDeps } from "./handler.js";
import { LeanServer } from "./lean/lean-server.js";
import { AccessLog } from "./middleware/logging.js";
import { type CertManagerFactory, Router } from "./router.js";

export interface ServerConfig {
  logger: Logger;
  /** 0 picks a free port. */
  httpPort: number;
  /** 0 picks a free port. */
  httpsPort: number;
  /** undefined: no metrics listener; 0 picks a free port. */
  metricsPort?: number | undefined;
  /** Address to listen on; undefined means all interfaces (as kamal-proxy). */
  bind?: string | undefined;
  /** Directory of the state file; undefined disables persistence. */
  stateDir?: string | undefined;
  headerReadTimeoutMs?: number;
  idleTimeoutMs?: number;
  tlsHandshakeTimeoutMs?: number;
  shutdownTimeoutMs?: number;
  tls?: TlsSettings;
  /** Where TLS services get certificates (default: custom files or ACME from `tls`); workers ask the primary. */
  certManagerFactory?: CertManagerFactory | undefined;
  /** Target name lookups (default: the process-wide c-ares resolver). */
  resolver?: TargetResolver | undefined;
}

/** A running dhow-proxy: create, start(), later stop(). */
export class Server {
  readonly router: Router;
  readonly metrics = new Metrics();
  readonly ports = { http: 0, https: 0, metrics: 0 };
  private readonly config: ServerConfig;
  private readonly logger: Logger;
  private httpServer: http.Server | undefined;
  private httpsServer: http2.Http2SecureServer | undefined;
  private tlsFrontServer: net.Server | undefined;
  private alpnServer: tls.Server | undefined;
  private metricsServer: http.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private readonly tlsSockets = new Set<tls.TLSSocket>();
  private readonly sessions = new Set<http2.ServerHttp2Session>();
  private defaultCertificate: { key: string; cert: string } | undefined;
  private lean: LeanServer | undefined;

  constructor(config: ServerConfig) {
    this.config = config;
    this.logger = config.logger;
    this.router = new Router({
      logger: config.logger,
      statePath: config.stateDir ? join(config.stateDir, STATE_FILE_NAME) : undefined,
      certManagerFactory: config.certManagerFactory ?? createCertManagerFactory(config.tls ?? {}, config.logger),
      resolver: config.resolver,
    });
  }

  /** Connections the lean HTTP/1.1 path accepted and handed to node:http (see lean/lean-server.ts). */
  get leanStats(): { readonly accepted: number; readonly handedOver: number } {
    return this.lean?.stats ?? { accepted: 0, handedOver: 0 };
  }

  /** Restore state, then open every listener. */
  async start(): Promise<void> {
    const { logger, bind } = this.config;
    await this.router.restoreState();
    const deps: PipelineDeps = {
      router: this.router,
      logger,
      metrics: this.metrics,
      ports: this.ports,
      accessLog: new AccessLog({ logger, metrics: this.metrics }),
    };
    const headersTimeout = this.config.headerReadTimeoutMs ?? DEFAULT_HEADER_READ_TIMEOUT_MS;
    const keepAliveTimeout = this.config.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;

    const httpServer = http.createServer({
      headersTimeout,
      requestTimeout: 0,
      keepAliveTimeout,
      maxHeaderSize: DEFAULT_MAX_HEADER_SIZE,
      connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.floor(headersTimeout / 2))),
    });
    // HTTP/1.1 connections start on the lean path, which hands node:http what it does not take (lean/lean-server.ts).
    const lean = new LeanServer({
      deps,
      maxHeadBytes: DEFAULT_MAX_HEADER_SIZE,
      headersTimeoutMs: headersTimeout,
      idleTimeoutMs: keepAliveTimeout,
    });
    this.lean = lean;
    interceptConnections(httpServer, "connection", (socket, toNodeHttp) => lean.accept(socket, false, toNodeHttp));
    httpServer.on("request", createRequestListener(deps, false));
    httpServer.on("upgrade", createUpgradeListener(deps, false));
    httpServer.on("clientError", rejectMalformed);
    this.track(httpServer);
    this.httpServer = httpServer;
    this.ports.http = await listen(httpServer, this.config.httpPort, bind);

    const httpsServer = http2.createSecureServer({
      allowHTTP1: true,
      maxSessionMemory: 64,
      // HTTP/2 heads up to the same 1 MiB: advertised in SETTINGS, enforced by nghttp2 (431 above it).
      maxHeaderListPairs: DEFAULT_MAX_HEADER_PAIRS,
      settings: { maxHeaderListSize: DEFAULT_MAX_HEADER_SIZE },
      SNICallback: (servername, callback) => this.sniCallback(servername, callback),
      handshakeTimeout: this.config.tlsHandshakeTimeoutMs ?? DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS,
    });
    // The HTTP/1.1 fallback reads these from the server object, as http.Server does.
    Object.assign(httpsServer, {
      headersTimeout,
      requestTimeout: 0,
      keepAliveTimeout,
      maxHeaderSize: DEFAULT_MAX_HEADER_SIZE,
    });
    httpsServer.setTimeout(keepAliveTimeout * 2);
    httpsServer.on("request", createRequestListener(deps, true));
    httpsServer.on("upgrade", createUpgradeListener(deps, true));
    interceptConnections(httpsServer, "secureConnection", (socket, toNodeHttp) => {
      const tlsSocket = socket as tls.TLSSocket;
      if (tlsSocket.alpnProtocol === "h2") toNodeHttp(socket);
      else lean.accept(socket, true, toNodeHttp);
    });
    httpsServer.on("tlsClientError", (error: Error) => logger.debug("TLS handshake error", { error }));
    httpsServer.on("sessionError", (error: Error) => logger.debug("HTTP/2 session error", { error }));
    httpsServer.on("secureConnection", (socket: tls.TLSSocket) => {
      this.tlsSockets.add(socket);
      socket.once("close", () => this.tlsSockets.delete(socket));
    });
    httpsServer.on("session", (session: http2.ServerHttp2Session) => {
      this.sessions.add(session);
      session.once("close", () => this.sessions.delete(session));
    });
    this.httpsServer = httpsServer;
    this.alpnServer = tls.createServer({
      ALPNProtocols: ["acme-tls/1"],
      SNICallback: (servername, callback) => {
        this.router.alpnChallenge(servername).then(
          (context) => callback(context ? null : new Error(`no TLS-ALPN-01 challenge for ${servername}`), context),
          (error: Error) => callback(error),
        );
      },
    });
    this.alpnServer.on("secureConnection", (socket) => socket.end());
    this.alpnServer.on("tlsClientError", () => {});
    const front = net.createServer((socket) => this.routeTlsConnection(socket));
    this.tlsFrontServer = front;
    this.ports.https = await listen(front, this.config.httpsPort, bind);

    if (this.config.metricsPort !== undefined) {
      const metricsServer = http.createServer((_req, res) => {
        const body = this.metrics.render();
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
        res.end(body);
      });
      this.metricsServer = metricsServer;
      this.ports.metrics = await listen(metricsServer, this.config.metricsPort, bind);
    }

    logger.info("Server started", { http: this.ports.http, https: this.ports.https, metrics: this.ports.metrics });
  }

  /** Stop accepting, let in-flight requests finish for up to the shutdown timeout, then cut what is left. */
  async stop(): Promise<void> {
    const timeout = this.config.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
    const closing = [this.httpServer, this.tlsFrontServer, this.metricsServer].map(
      (server) => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
    );
    this.metricsServer?.closeAllConnections();
    const lean = this.lean;
    for (const session of this.sessions) session.close();
    // Idle keep-alive connections go now; busy ones as soon as their response is done (checked every 50 ms).
    const closeIdle = () => {
      this.httpServer?.closeIdleConnections();
      lean?.closeIdle();
      for (const socket of this.tlsSockets) {
        if (lean?.owns(socket)) continue;
        if (socket.alpnProtocol !== "h2" && !(socket as { _httpMessage?: unknown })._httpMessage) socket.end();
      }
    };
    closeIdle();
    const sweeper = setInterval(closeIdle, 50);
    const timer = setTimeout(() => {
      this.httpServer?.closeAllConnections();
      for (const session of this.sessions) session.destroy();
      for (const socket of this.sockets) socket.destroy();
    }, timeout);
    await Promise.all(closing);
    clearInterval(sweeper);
    clearTimeout(timer);
    this.router.dispose();
    this.logger.info("Server stopped");
  }

  private routeTlsConnection(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.once("close", () => this.sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    let buffered: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      const needed = clientHelloLength(buffered);
      if (needed === undefined || (needed > 0 && buffered.length < needed && buffered.length < 16_389)) return;
      socket.removeListener("data", onData);
      socket.pause();
      socket.unshift(buffered);
      const hello = needed === 0 ? undefined : parseClientHello(buffered);
      if (hello && hello.serverName === undefined) this.useDefaultCertificate();
      const target = hello?.alpn.includes("acme-tls/1") ? this.alpnServer : this.httpsServer;
      target?.emit("connection", socket);
    };
    socket.on("data", onData);
  }

  /** Clients without SNI get the server's default context: keep it set to the default TLS host's certificate. */
  private useDefaultCertificate(): void {
    const pem = this.router.defaultCertificate();
    if (!pem || pem === this.defaultCertificate) return;
    if (this.defaultCertificate && pem.key === this.defaultCertificate.key && pem.cert === this.defaultCertificate.cert)
      return;
    try {
      this.httpsServer?.setSecureContext({ key: pem.key, cert: pem.cert });
      this.defaultCertificate = pem;
    } catch (error) {
      this.logger.error("Unable to use default certificate", { error: error as Error });
    }
  }

  private sniCallback(servername: string, callback: (error: Error | null, context?: tls.SecureContext) => void): void {
    let result: ReturnType<Router["secureContext"]>;
    try {
      result = this.router.secureContext(servername);
    } catch (error) {
      callback(error as Error);
      return;
    }
    if (result === undefined || !("then" in result)) {
      if (result) callback(null, result);
      else callback(new Error(`unknown server name ${servername}`));
      return;
    }
    result.then(
      (context) => (context ? callback(null, context) : callback(new Error(`unknown server name ${servername}`))),
      (error: Error) => {
        this.logger.error("Unable to get certificate", { host: servername, error });
        callback(error);
      },
    );
  }

  private track(server: http.Server): void {
    server.on("connection", (socket: net.Socket) => {
      this.sockets.add(socket);
      socket.once("close", () => this.sockets.delete(socket));
    });
  }
}

/**
 * Put `dispatch` in front of node's own listener for new connections (`connection` on http.Server, `secureConnection`
 * on the HTTP/2 server): it serves the socket itself or passes it on with `toNodeHttp`.
 */
function interceptConnections(
  server: net.Server,
  event: "connection" | "secureConnection",
  dispatch: (socket: net.Socket, toNodeHttp: (socket: net.Socket) => void) => void,
): void {
  const original = server.listeners(event)[0] as ((socket: net.Socket) => void) | undefined;
  if (!original) throw new Error(`no ${event} listener to take over`);
  server.removeListener(event, original);
  const toNodeHttp = (socket: net.Socket) => original.call(server, socket);
  server.prependListener(event, (socket: net.Socket) => dispatch(socket, toNodeHttp));
}

function rejectMalformed(error: NodeJS.ErrnoException, socket: net.Socket): void {
  if (!socket.writable || (error.code === "ECONNRESET" && !socket.bytesWritten)) {
    socket.destroy();
    return;
  }
  const timeout = error.code === "ERR_HTTP_REQUEST_TIMEOUT" || error.code === "HPE_HEADER_OVERFLOW";
  const status = error.code === "HPE_HEADER_OVERFLOW" ? "431 Request Header Fields Too Large" : "400 Bad Request";
  socket.end(
    `HTTP/1.1 ${timeout && status.startsWith("400") ? "408 Request Timeout" : status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
  );
}

function listen(server: net.Server, port: number, host: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port, host }, () => {
      server.removeListener("error", reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}
