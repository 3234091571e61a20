// The per-request state every middleware reads and writes: request facts, routing result, and what to log.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import type { Duplex } from "node:stream";
import type { ErrorPages } from "./error-pages.js";
import type { LeanRequest, LeanResponse } from "./lean/lean-exchange.js";

/** Status logged when the client goes away before the response completes (nginx's 499). */
export const STATUS_CLIENT_CLOSED_REQUEST = 499;

export type ProxyRequest = IncomingMessage | Http2ServerRequest | LeanRequest;
export type ProxyResponse = ServerResponse | Http2ServerResponse | LeanResponse;

/** A request in flight through the proxy, created once per request and passed down the middleware chain. */
export interface Exchange {
  readonly req: ProxyRequest;
  readonly res: ProxyResponse;
  /** Set for HTTP/1.1 Upgrade requests (WebSockets): the raw client socket and any bytes read past the head. */
  readonly upgrade: { readonly socket: Duplex; readonly head: Buffer } | undefined;
  readonly secure: boolean;
  readonly http2: boolean;
  readonly listenPort: number;
  readonly startedAt: number;
  readonly method: string;
  /** The Host header (or :authority), port included when the client sent one. */
  readonly host: string;
  /** The raw request path, without the query. */
  readonly path: string;
  /** The raw query string, without "?". */
  readonly query: string;
  readonly clientAddr: string;
  readonly clientPort: number;
  requestId: string;
  service: string;
  target: string;
  status: number;
  respBytes: number;
  respContentType: string;
  /** The path the target sees (after prefix stripping). */
  routedPath: string;
  matchedPrefix: string;
  errorPages: ErrorPages | undefined;
  logRequestHeaders: readonly string[];
  logResponseHeaders: readonly string[];
  excludeMetrics: boolean;
  /** Write requests on services with readers get the kamal-writer cookie for this long (0: none). */
  writerAffinityMs: number;
  /** With --scope-cookie-paths: the matched prefix Set-Cookie paths are moved under ("" when off). */
  cookieScopePrefix: string;
  /** The response headers as sent to the client (flat name/value list), for --log-response-header. */
  responseHeaders: string[] | undefined;
  /** True while the request is counted in the in-flight gauge. */
  countedInflight: boolean;
  /** The upstream request in flight: told when the client connection closes (before the observer), to abort. */
  upstream: ClientCloseListener | undefined;
  /** Told once when the exchange ends (set by the logging middleware). */
  observer: ExchangeObserver | undefined;
  /** Set once the response has been completely handled (or abandoned). */
  done: boolean;
}

// The hooks are objects with methods, shared or long-lived, not a closure per request: in code V8 runs unoptimized
// (before it is optimized, or after a deoptimization), calling a closure made per request kept the whole request
// alive through the young-generation GC (bench/README.md, "What was tried").

/** Told once when an exchange ends; one observer serves every exchange of a server (the access log). */
export interface ExchangeObserver {
  exchangeDone(ex: Exchange): void;
}

/** Told when the client connection closes first (the upstream request of the exchange). */
export interface ClientCloseListener {
  clientClosed(): void;
}

export interface ExchangeInit {
  req: ProxyRequest;
  res: ProxyResponse;
  secure: boolean;
  listenPort: number;
  upgrade?: { socket: Duplex; head: Buffer } | undefined;
}

/** Build the exchange for a request; every field is present from the start so all exchanges share one shape. */
export function createExchange({ req, res, secure, listenPort, upgrade }: ExchangeInit): Exchange {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const http2 = req.httpVersionMajor === 2;
  const socket = req.socket;
  const path = q === -1 ? url : url.slice(0, q);
  return {
    req,
    res,
    upgrade,
    secure,
    http2,
    listenPort,
    startedAt: performance.now(),
    method: req.method ?? "GET",
    host: (http2 ? (req.headers[":authority"] as string | undefined) : req.headers.host) ?? "",
    path,
    query: q === -1 ? "" : url.slice(q + 1),
    clientAddr: socket?.remoteAddress ?? "",
    clientPort: socket?.remotePort ?? 0,
    requestId: "",
    service: "",
    target: "",
    status: 0,
    respBytes: 0,
    respContentType: "",
    routedPath: path,
    matchedPrefix: "",
    errorPages: undefined,
    logRequestHeaders: EMPTY,
    logResponseHeaders: EMPTY,
    excludeMetrics: false,
    writerAffinityMs: 0,
    cookieScopePrefix: "",
    responseHeaders: undefined,
    countedInflight: false,
    upstream: undefined,
    observer: undefined,
    done: false,
  };
}

const EMPTY: readonly string[] = [];

/** The proto string for logs, as Go's r.Proto. */
export function protoOf(ex: Exchange): string {
  const req = ex.req;
  const major = req.httpVersionMajor;
  const minor = req.httpVersionMinor;
  if (major === 1 && minor === 1) return "HTTP/1.1";
  return `HTTP/${major}.${minor}`;
}

/** A single request header as a string (repeated values joined with ", "). */
export function headerValue(ex: Exchange, name: string): string {
  const value = ex.req.headers[name];
  if (value === undefined) return "";
  return Array.isArray(value) ? value.join(", ") : value;
}

/** Mark the exchange finished and tell its observer once. */
export function finishExchange(ex: Exchange): void {
  if (ex.done) return;
  ex.done = true;
  ex.observer?.exchangeDone(ex);
}

/** The response closed (complete or not): tell the upstream request first, then finish the exchange. */
export function closeExchange(ex: Exchange): void {
  ex.upstream?.clientClosed();
  finishExchange(ex);
}
