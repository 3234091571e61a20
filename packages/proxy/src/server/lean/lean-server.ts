// The lean HTTP/1.1 path: plain and TLS HTTP/1.1 connections are read by dhow-proxy itself instead of node:http,
// and proxied over dhow-proxy's own keep-alive pools instead of undici (see bench/README.md for what it saves).
//
// The split, decided per connection at each request head, before any of the request is consumed:
// - lean: HTTP/1.1 requests in origin form with a Host header, Content-Length or chunked bodies, Expect:
//   100-continue, pipelining, Connection: close. They run through the same pipeline (handleExchange: request
//   id/start, access log, metrics, routing, redirects, ACME HTTP-01, pause/stop, error pages, rollout, writer
//   affinity) and are proxied by upstream/lean-upstream.ts, which also collects answers for --buffer-responses
//   (Kamal's default). With --buffer-requests (also Kamal's default) only requests without a body or with a small
//   Content-Length body stay here (lean-upstream's leanBuffersRequest).
// - node:http: everything else: upgrades (WebSockets), HTTP/1.0, CONNECT, absolute-form targets, unusual bytes in
//   the target, obsolete line folding, transfer codings other than chunked, other expectations, requests without
//   Host, larger or chunked bodies to services with --buffer-requests. The connection (with the bytes read so far
//   put back) is handed to the node:http server as a new connection and stays there. HTTP/2 never comes here.
// - malformed heads are answered here as node:http's clientError handler answers them: 400, 431 over the head size
//   limit, 408 at the header read timeout.
import type net from "node:net";
import type { PipelineDeps } from "../handler.js";
import { leanBuffersRequest } from "../upstream/lean-upstream.js";
import type { RequestHead } from "./head-parser.js";
import { type LeanHost, LeanConnection } from "./lean-connection.js";

export interface LeanServerOptions {
  deps: PipelineDeps;
  maxHeadBytes: number;
  headersTimeoutMs: number;
  idleTimeoutMs: number;
}

/** Accepts connections for the lean path and keeps their timeouts (one sweep timer, no per-request timers). */
export class LeanServer implements LeanHost {
  readonly deps: PipelineDeps;
  readonly maxHeadBytes: number;
  readonly keepAliveSeconds: number;
  closing = false;
  /** Connections accepted, and how many of them were handed to node:http (tests read these). */
  readonly stats = { accepted: 0, handedOver: 0 };
  private readonly connections = new Set<LeanConnection>();
  private readonly owned = new WeakSet<net.Socket>();
  private readonly headersTimeoutMs: number;
  private readonly idleTimeoutMs: number;
  private sweeper: NodeJS.Timeout | undefined;
  private readonly sweepEveryMs: number;

  constructor(options: LeanServerOptions) {
    this.deps = options.deps;
    this.maxHeadBytes = options.maxHeadBytes;
    this.headersTimeoutMs = options.headersTimeoutMs;
    this.idleTimeoutMs = options.idleTimeoutMs;
    // As node:http's Keep-Alive: timeout=N (whole seconds; none when there is no idle timeout).
    this.keepAliveSeconds = options.idleTimeoutMs > 0 ? Math.floor(options.idleTimeoutMs / 1000) : -1;
    const shortest = Math.min(options.headersTimeoutMs || Infinity, options.idleTimeoutMs || Infinity);
    this.sweepEveryMs = Math.max(20, Math.min(1000, Math.floor(shortest / 4)));
  }

  /** Serve a new connection; `fallback` gives it to node:http (see the split above). */
  accept(socket: net.Socket, secure: boolean, fallback: (socket: net.Socket) => void): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    this.stats.accepted++;
    const connection = new LeanConnection(socket, secure, this, (handed) => {
      this.stats.handedOver++;
      fallback(handed);
    });
    this.connections.add(connection);
    this.owned.add(socket);
    this.sweeper ??= setInterval(() => this.sweep(), this.sweepEveryMs).unref();
  }

  /** True for sockets the lean path serves (server shutdown leaves them to closeIdle). */
  owns(socket: net.Socket): boolean {
    return this.owned.has(socket);
  }

  forget(connection: LeanConnection): void {
    this.connections.delete(connection);
    this.owned.delete(connection.socket);
    if (this.connections.size === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  needsNodeHttp(head: RequestHead): boolean {
    const host = head.headers.host;
    const url = head.url;
    const q = url.indexOf("?");
    const match = this.deps.router.route(typeof host === "string" ? host : "", q === -1 ? url : url.slice(0, q));
    if (!match) return false;
    // Buffered answers are collected by the lean path itself; buffered request bodies only when they are small.
    const options = match.service.targetOptions;
    return options.bufferRequests && !leanBuffersRequest(head.bodyLength, options);
  }

  /** Shutdown: new answers say Connection: close; idle connections close now, busy ones after their answer. */
  closeIdle(): void {
    this.closing = true;
    for (const connection of [...this.connections]) connection.closeIfIdle();
  }

  private sweep(): void {
    const now = performance.now();
    for (const connection of [...this.connections]) {
      if (connection.headStartedAt > 0) {
        if (this.headersTimeoutMs > 0 && now - connection.headStartedAt > this.headersTimeoutMs) {
          connection.timeOutHead();
        }
      } else if (
        connection.idleSince > 0 &&
        this.idleTimeoutMs > 0 &&
        now - connection.idleSince > this.idleTimeoutMs
      ) {
        connection.destroy();
      }
    }
  }
}
