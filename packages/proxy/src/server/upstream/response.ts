// The response side of a proxied request: undici's dispatch handler, which streams (or, with --buffer-responses,
// collects) the target's answer into the client response, and maps upstream failures to statuses. Callbacks, not
// promises, per chunk: the handler writes straight into the client response.
import type { ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import type { Dispatcher } from "undici";
import { DrainingError } from "../../errors.js";
import { MaximumSizeExceededError, type SpillBuffer } from "../buffer.js";
import { type ClientCloseListener, type Exchange, STATUS_CLIENT_CLOSED_REQUEST } from "../exchange.js";
import { sendErrorPage } from "../middleware/error-page.js";
import { ResponseBuffer } from "../middleware/response-buffer.js";
import type { InflightLinks, InflightList } from "../inflight-list.js";
import type { InflightRequest, Target } from "../target.js";
import { upstreamPath } from "./headers.js";
import { clientResponseHeaders } from "./response-headers.js";

/** Why an upstream request was abandoned because the client disconnected. */
class ClientGoneError extends Error {
  override name = "ClientGoneError";
}

/**
 * One upstream request: undici dispatch handler, in-flight registration (cancel on drain) and response writer.
 * With --buffer-responses the body is collected (memory, then disk) and sent with a Content-Length at the end.
 */
export class ProxyHandler implements Dispatcher.DispatchHandler, InflightRequest, ClientCloseListener {
  hijacked = false;
  inflightPrev: InflightLinks | undefined = undefined;
  inflightNext: InflightLinks | undefined = undefined;
  inflightList: InflightList<InflightLinks> | undefined = undefined;
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
    const { headers: out, eventStream } = clientResponseHeaders(ex, raw, latin1);
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
    const res = this.ex.res as ServerResponse;
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
      else (res as ServerResponse).writeHead(status, headers);
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
  clientClosed(): void {
    if (this.finished) return;
    const error = new ClientGoneError("client closed the connection");
    if (this.abortUpstream) this.abortUpstream(error);
    else this.onError(error);
  }
}

function latin1(item: Buffer): string {
  return item.toString("latin1");
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
