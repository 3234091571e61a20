// The hot path: forward an exchange to a target over a keep-alive undici pool and stream (or buffer) the answer back.
// Callbacks, not promises, per chunk: undici's dispatch handler writes straight into the client response.
import { connect } from "node:net";
import type { Readable } from "node:stream";
import type { Dispatcher } from "undici";
import { MaximumSizeExceededError, type SpillBuffer } from "./buffer.js";
import { DrainingError } from "./errors.js";
import { type Exchange, finishExchange } from "./exchange.js";
import { scopeSetCookie } from "./middleware/cookie-scope.js";
import { sendErrorPage } from "./middleware/error-page.js";
import { forwardedHeaders, normalizeIp } from "./middleware/forwarded-headers.js";
import { bufferRequest } from "./middleware/request-buffer.js";
import { bypassesResponseBuffer, ResponseBuffer } from "./middleware/response-buffer.js";
import { writerCookie } from "./middleware/writer-affinity.js";
import type { InflightRequest, Target } from "./target.js";

/** Status logged when the client goes away before the response completes. */
export const STATUS_CLIENT_CLOSED_REQUEST = 499;

/** Why an upstream request was abandoned because the client disconnected. */
class ClientGoneError extends Error {
  override name = "ClientGoneError";
}

// Request headers never forwarded: hop-by-hop (RFC 9110 §7.6.1), ones undici manages itself, and the ones the
// proxy sets (Host, X-Forwarded-*; Forwarded is dropped as Go's ReverseProxy does).
const SKIP_REQUEST_HEADERS = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "expect",
  "http2-settings",
  "host",
  "forwarded",
  "x-forwarded-for",
  "x-forwarded-proto",
  "x-forwarded-host",
]);

/** Send the exchange to `target`: WebSocket tunnel, buffered request, or straight streaming proxy. */
export function sendToTarget(ex: Exchange, target: Target): void {
  if (ex.upgrade) {
    tunnelUpgrade(ex, target);
    return;
  }
  const options = target.options;
  const headers = buildUpstreamHeaders(ex, options.forwardHeaders);
  const handler = new ProxyHandler(ex, target);
  if (!target.startRequest(handler)) {
    sendErrorPage(ex, 503);
    return;
  }
  ex.onClientClose = handler.onClientClose;
  if (!hasRequestBody(ex)) {
    handler.dispatch(headers, null);
    return;
  }
  // Small bodies of known length are read whole first (usually they came in with the head), then sent in one
  // write: streaming them through undici costs an extra round of events and a separate TCP segment.
  const declared = contentLength(ex);
  const max = options.bufferRequests ? options.maxRequestBodySize : 0;
  if (declared >= 0 && declared <= SMALL_BODY_BYTES && (max === 0 || declared <= max)) {
    collectSmallBody(ex, handler, headers, declared);
    return;
  }
  if (!options.bufferRequests) {
    handler.dispatch(headers, ex.req as Readable);
    return;
  }
  bufferRequestThenDispatch(ex, handler, headers);
}

/** Bodies up to this size with a Content-Length are collected in memory before dispatch. */
const SMALL_BODY_BYTES = 64 * 1024;

function contentLength(ex: Exchange): number {
  const value = ex.req.headers["content-length"];
  if (value === undefined || ex.req.headers["transfer-encoding"] !== undefined) return -1;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? n : -1;
}

function collectSmallBody(ex: Exchange, handler: ProxyHandler, headers: string[], expected: number): void {
  const req = ex.req as Readable;
  const chunks: Buffer[] = [];
  let received = 0;
  const onData = (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  };
  const onEnd = () => {
    req.removeListener("data", onData);
    req.removeListener("error", onError);
    if (handler.finished) return;
    if (received !== expected) {
      handler.failBeforeDispatch(400);
      return;
    }
    handler.dispatch(headers, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received));
  };
  const onError = () => {
    req.removeListener("data", onData);
    req.removeListener("end", onEnd);
    handler.failBeforeDispatch(ex.res.destroyed ? STATUS_CLIENT_CLOSED_REQUEST : 400);
  };
  req.on("data", onData);
  req.once("end", onEnd);
  req.once("error", onError);
}

/** The upstream request headers: the client's, minus hop-by-hop ones, plus Host and X-Forwarded-*. */
export function buildUpstreamHeaders(ex: Exchange, trustForwarded: boolean): string[] {
  const incoming = ex.req.headers;
  const out: string[] = [];
  const connection = incoming.connection;
  const listed = typeof connection === "string" && connection !== "keep-alive" && connection !== "close";
  for (const key in incoming) {
    if (key.charCodeAt(0) === 58 /* ":" pseudo-header */ || SKIP_REQUEST_HEADERS.has(key)) continue;
    if (listed && connectionListsHeader(connection, key)) continue;
    const value = incoming[key];
    if (value === undefined) continue;
    if (typeof value === "string") out.push(key, value);
    else for (const item of value) out.push(key, item);
  }
  const forwarded = forwardedHeaders({
    incomingFor: single(incoming["x-forwarded-for"]),
    incomingProto: single(incoming["x-forwarded-proto"]),
    incomingHost: single(incoming["x-forwarded-host"]),
    clientIp: normalizeIp(ex.clientAddr),
    scheme: ex.secure ? "https" : "http",
    host: ex.host,
    trust: trustForwarded,
  });
  out.push(
    "host",
    ex.host,
    "x-forwarded-for",
    forwarded.forwardedFor,
    "x-forwarded-proto",
    forwarded.forwardedProto,
    "x-forwarded-host",
    forwarded.forwardedHost,
  );
  return out;
}

/** The path and query sent upstream: the routed (possibly stripped) path and the raw query, verbatim. */
export function upstreamPath(ex: Exchange): string {
  return ex.query === "" ? ex.routedPath : `${ex.routedPath}?${ex.query}`;
}

function hasRequestBody(ex: Exchange): boolean {
  const req = ex.req;
  if (ex.http2) return !(req as { stream?: { endAfterHeaders?: boolean } }).stream?.endAfterHeaders;
  const headers = req.headers;
  if (headers["transfer-encoding"] !== undefined) return true;
  const length = headers["content-length"];
  return length !== undefined && length !== "0";
}

function bufferRequestThenDispatch(ex: Exchange, handler: ProxyHandler, headers: string[]): void {
  const options = handler.target.options;
  bufferRequest(ex, { maxMemory: options.maxMemoryBufferSize, maxBytes: options.maxRequestBodySize }, (buffer) => {
    handler.requestBuffer = buffer;
  }).then((result) => {
    if ("status" in result) {
      handler.failBeforeDispatch(ex.res.destroyed ? STATUS_CLIENT_CLOSED_REQUEST : result.status);
      return;
    }
    if (handler.finished) {
      result.dispose();
      return;
    }
    handler.dispatch(withContentLength(headers, result.length), result.body);
  });
}

function withContentLength(headers: string[], length: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i] !== "content-length") out.push(headers[i]!, headers[i + 1]!);
  }
  out.push("content-length", String(length));
  return out;
}

/**
 * One upstream request: undici dispatch handler, in-flight registration (cancel on drain) and response writer.
 * With --buffer-responses the body is collected (memory, then disk) and sent with a Content-Length at the end.
 */
class ProxyHandler implements Dispatcher.DispatchHandler, InflightRequest {
  hijacked = false;
  /** True once the exchange has been answered (or abandoned); late events are ignored. */
  finished = false;
  requestBuffer: SpillBuffer | undefined;
  private dispatched = false;
  private abortUpstream: ((error?: Error) => void) | undefined;
  private pendingAbort: Error | undefined;
  private resume: (() => void) | undefined;
  private buffering: boolean;
  private responseBuffer: ResponseBuffer | undefined;

  constructor(
    private readonly ex: Exchange,
    readonly target: Target,
  ) {
    this.buffering = target.options.bufferResponses;
  }

  dispatch(headers: string[], body: Buffer | Readable | null): void {
    const ex = this.ex;
    this.dispatched = true;
    try {
      this.target.pool.dispatch({ method: ex.method, path: upstreamPath(ex), headers, body }, this);
    } catch (error) {
      this.onError(error as Error);
    }
  }

  /** A failure found before anything was sent upstream (buffering the request). */
  failBeforeDispatch(status: number): void {
    if (this.finished) return;
    this.finish();
    if (status === STATUS_CLIENT_CLOSED_REQUEST) {
      this.ex.status = status;
      return;
    }
    sendErrorPage(this.ex, status);
  }

  cancel(reason: Error): void {
    if (this.finished) return;
    if (this.abortUpstream) this.abortUpstream(reason);
    else if (this.dispatched) this.pendingAbort = reason;
    else this.onError(reason);
  }

  onConnect(abort: (error?: Error) => void): void {
    this.abortUpstream = abort;
    if (this.pendingAbort) abort(this.pendingAbort);
  }

  onHeaders(status: number, raw: Buffer[], resume: () => void): boolean {
    if (status < 200) return true;
    this.resume = resume;
    const ex = this.ex;
    const out: string[] = [];
    let optOut = false;
    let eventStream = false;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!.toString("latin1");
      let value = raw[i + 1]!.toString("latin1");
      switch (name.length) {
        case 2:
          if (name.toLowerCase() === "te") continue;
          break;
        case 7: {
          const lower = name.toLowerCase();
          if (lower === "upgrade" || lower === "trailer") continue;
          break;
        }
        case 10: {
          const lower = name.toLowerCase();
          if (lower === "connection" || lower === "keep-alive") continue;
          if (lower === "set-cookie" && ex.cookieScopePrefix !== "") {
            value = scopeSetCookie(value, ex.cookieScopePrefix, ex.host);
          }
          break;
        }
        case 12:
          if (name.toLowerCase() === "content-type") {
            ex.respContentType = value;
            if (bypassesResponseBuffer(value)) eventStream = true;
          }
          break;
        case 16:
          if (name.toLowerCase() === "proxy-connection") continue;
          break;
        case 17: {
          const lower = name.toLowerCase();
          if (lower === "transfer-encoding") continue;
          if (lower === "x-writer-affinity" && ex.writerAffinityMs > 0) {
            if (value === "false") optOut = true;
            continue;
          }
          break;
        }
      }
      out.push(name, value);
    }
    if (ex.writerAffinityMs > 0 && !optOut) out.push("set-cookie", writerCookie(ex.writerAffinityMs));
    ex.status = status;
    // HEAD, 204 and 304 answers have no body to buffer (and must keep their own Content-Length).
    if (this.buffering && !eventStream && ex.method !== "HEAD" && status !== 204 && status !== 304) {
      const options = this.target.options;
      this.responseBuffer = new ResponseBuffer(status, out, {
        maxMemory: options.maxMemoryBufferSize,
        maxBytes: options.maxResponseBodySize,
      });
      return true;
    }
    this.buffering = false;
    return this.writeHead(status, out);
  }

  onData(chunk: Buffer): boolean {
    const buffer = this.responseBuffer;
    if (buffer) {
      let pending: Promise<void> | undefined;
      try {
        pending = buffer.append(chunk);
      } catch (error) {
        this.abortUpstream?.(error as Error);
        return false;
      }
      if (!pending) return true;
      pending.then(
        () => this.resume?.(),
        (error: Error) => this.abortUpstream?.(error),
      );
      return false;
    }
    this.ex.respBytes += chunk.length;
    const res = this.ex.res as import("node:http").ServerResponse;
    if (res.write(chunk)) return true;
    res.once("drain", () => this.resume?.());
    return false;
  }

  onComplete(): void {
    if (this.finished) return;
    this.finish();
    const buffer = this.responseBuffer;
    if (!buffer) {
      this.ex.res.end();
      return;
    }
    buffer.send(this.ex, (status, headers) => this.writeHead(status, headers)).catch(() => this.respondError(500));
  }

  onError(error: Error): void {
    if (this.finished) return;
    this.finish();
    const ex = this.ex;
    if (error instanceof ClientGoneError) {
      ex.status = STATUS_CLIENT_CLOSED_REQUEST;
      return;
    }
    if (error instanceof DrainingError) {
      this.target.logger.info("Request cancelled due to draining", { target: this.target.address, path: ex.path });
      this.respondError(504);
      return;
    }
    if (error instanceof MaximumSizeExceededError) {
      this.respondError(500);
      return;
    }
    const code = (error as { code?: string }).code;
    if (code === "UND_ERR_HEADERS_TIMEOUT") {
      this.respondError(504);
      return;
    }
    if (ex.res.destroyed) {
      ex.status = STATUS_CLIENT_CLOSED_REQUEST;
      return;
    }
    this.target.logger.error("Error while proxying", {
      target: this.target.address,
      path: ex.path,
      error: error.message || code,
    });
    this.respondError(502);
  }

  private writeHead(status: number, headers: string[]): boolean {
    const res = this.ex.res;
    this.ex.responseHeaders = headers;
    try {
      if (this.ex.http2) res.writeHead(status, toHeaderObject(headers));
      else (res as import("node:http").ServerResponse).writeHead(status, headers);
    } catch (error) {
      this.abortUpstream?.(error as Error);
      return false;
    }
    return true;
  }

  private respondError(status: number): void {
    this.responseBuffer?.dispose();
    this.responseBuffer = undefined;
    sendErrorPage(this.ex, status);
  }

  private finish(): void {
    this.finished = true;
    this.target.endRequest(this);
    this.requestBuffer?.dispose();
  }

  /** Abandon the upstream request when the client goes away first. */
  readonly onClientClose = (): void => {
    if (this.finished) return;
    const error = new ClientGoneError("client closed the connection");
    if (this.abortUpstream) this.abortUpstream(error);
    else this.onError(error);
  };
}

function toHeaderObject(flat: string[]): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (let i = 0; i < flat.length; i += 2) {
    const name = flat[i]!.toLowerCase();
    const value = flat[i + 1]!;
    const existing = headers[name];
    if (existing === undefined) headers[name] = name === "set-cookie" ? [value] : value;
    else if (Array.isArray(existing)) existing.push(value);
    else headers[name] = `${existing}, ${value}`;
  }
  return headers;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(", ") : value;
}

function connectionListsHeader(connection: string, header: string): boolean {
  for (const token of connection.split(",")) {
    if (token.trim().toLowerCase() === header) return true;
  }
  return false;
}

/**
 * Upgrade requests (WebSockets): open a TCP connection to the target, replay the request head, then splice the two
 * sockets. The tunnel counts as a hijacked in-flight request, so a drain cuts it at once.
 */
function tunnelUpgrade(ex: Exchange, target: Target): void {
  const client = ex.upgrade!.socket;
  const headers = buildUpstreamHeaders(ex, target.options.forwardHeaders);
  const upgradeValue = single(ex.req.headers.upgrade) ?? "websocket";
  let head = `${ex.method} ${upstreamPath(ex)} HTTP/1.1\r\n`;
  for (let i = 0; i < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`;
  head += `connection: Upgrade\r\nupgrade: ${upgradeValue}\r\n\r\n`;

  let connected = false;
  let closed = false;
  const upstream = connect({ host: target.hostname, port: target.port, lookup: target.resolver.lookupFunction });
  const inflight: InflightRequest = {
    hijacked: true,
    cancel: () => close(),
  };
  const close = () => {
    if (closed) return;
    closed = true;
    target.endRequest(inflight);
    upstream.destroy();
    client.destroy();
    finishExchange(ex);
  };
  if (!target.startRequest(inflight)) {
    upstream.destroy();
    sendErrorPage(ex, 503);
    return;
  }
  upstream.setNoDelay(true);
  upstream.once("connect", () => {
    connected = true;
    upstream.write(head);
    const rest = ex.upgrade!.head;
    if (rest.length > 0) upstream.write(rest);
    upstream.once("data", (chunk: Buffer) => {
      const match = /^HTTP\/\d\.\d (\d{3})/.exec(chunk.toString("latin1", 0, 16));
      ex.status = match ? Number(match[1]) : 502;
    });
    upstream.pipe(client);
    client.pipe(upstream);
  });
  upstream.once("error", (error) => {
    if (!connected && !closed) {
      closed = true;
      target.endRequest(inflight);
      target.logger.error("Error while proxying", { target: target.address, path: ex.path, error: error.message });
      sendErrorPage(ex, 502);
      return;
    }
    close();
  });
  // The target finishing is propagated by pipe() (flushing first); the client finishing ends the tunnel at once
  // (server sockets allow half-open connections, so its "end" arrives without a "close").
  upstream.once("close", close);
  client.once("close", close);
  client.once("end", close);
  client.once("error", close);
}
