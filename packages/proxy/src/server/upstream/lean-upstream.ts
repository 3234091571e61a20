// The lean path's upstream request: the request head undici would write (request line, host, connection, the
// forwarded headers, framing), the client's body streamed as it arrives, and the target's answer parsed and streamed
// into the lean response with the same header rules and the same error statuses as the undici path (response.ts).
import { maxHeaderSize } from "node:http";
import { DrainingError } from "../../errors.js";
import { MaximumSizeExceededError } from "../buffer.js";
import { type ClientCloseListener, type Exchange, STATUS_CLIENT_CLOSED_REQUEST } from "../exchange.js";
import { ChunkedDecoder, type ChunkedFramingError, chunkHeader, LAST_CHUNK } from "../lean/chunked-decoder.js";
import { CHUNKED, parseResponseHead, type ResponseHead, UNTIL_CLOSE } from "../lean/head-parser.js";
import type { BodyConsumer, BodySource, LeanRequest, LeanResponse } from "../lean/lean-exchange.js";
import { holdWritesForTurn } from "../lean/turn-writes.js";
import { sendErrorPage } from "../middleware/error-page.js";
import { ResponseBuffer } from "../middleware/response-buffer.js";
import type { InflightLinks, InflightList } from "../inflight-list.js";
import type { TargetOptions } from "../service-options.js";
import type { InflightRequest, Target } from "../target.js";
import { buildUpstreamHeaders, upstreamPath } from "./headers.js";
import type { UpstreamConnection, UpstreamUser } from "./lean-pool.js";
import { clientResponseHeaders } from "./response-headers.js";

/** The target's answer broke HTTP/1.1 (malformed head or framing). */
class UpstreamProtocolError extends Error {
  override name = "UpstreamProtocolError";
}

/** No response head within --target-timeout (undici's UND_ERR_HEADERS_TIMEOUT in the undici path). */
class ResponseTimeoutError extends Error {
  override name = "ResponseTimeoutError";
}

/** Methods whose requests carry a payload (undici sends content-length: 0 for them when there is none). */
const PAYLOAD_METHODS = new Set(["PUT", "POST", "PATCH", "QUERY", "PROPFIND", "PROPPATCH"]);

/** Bodies up to this size with a Content-Length are read whole before the target is asked (as the undici path). */
const SMALL_BODY_BYTES = 64 * 1024;

/**
 * Whether the lean path can serve a request to a service with --buffer-requests. It reads a body with a
 * Content-Length up to SMALL_BODY_BYTES whole before asking the target, which is that buffering. Bodies that are
 * longer, chunked, over --buffer-memory (they go to disk) or over --max-request-body (413) go to node:http.
 */
export function leanBuffersRequest(bodyLength: number, options: TargetOptions): boolean {
  if (bodyLength === 0) return true;
  return (
    bodyLength > 0 &&
    bodyLength <= SMALL_BODY_BYTES &&
    bodyLength <= options.maxMemoryBufferSize &&
    (options.maxRequestBodySize <= 0 || bodyLength <= options.maxRequestBodySize)
  );
}

/** Proxy a lean exchange to `target` (the lean counterpart of sendToTarget's undici path). */
export function sendLeanToTarget(ex: Exchange, target: Target, req: LeanRequest, client: BodySource): void {
  const call = new LeanUpstreamCall(ex, target, req, client);
  if (!target.startRequest(call)) {
    sendErrorPage(ex, 503);
    return;
  }
  ex.upstream = call;
  call.begin();
}

// No closures per request here (callbacks are methods, the timer takes the call as its argument, the chunked
// decoder a bound method): see exchange.ts for why.
class LeanUpstreamCall implements InflightRequest, UpstreamUser, BodyConsumer, ClientCloseListener {
  hijacked = false;
  finished = false;
  inflightPrev: InflightLinks | undefined = undefined;
  inflightNext: InflightLinks | undefined = undefined;
  inflightList: InflightList<InflightLinks> | undefined = undefined;
  private connection: UpstreamConnection | undefined;
  private reused = false;
  private retried = false;
  private head = "";
  private bodyAttached = false;
  /** A small body being read whole before dispatch (undefined: streamed, or none). */
  private collected: Buffer[] | undefined;
  private bodySent: boolean;
  private received = false;
  private pending: Buffer | undefined;
  private response: ResponseHead | undefined;
  private remaining = 0;
  private decoder: ChunkedDecoder | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** With --buffer-responses: the answer being collected, sent whole once complete. */
  private responseBuffer: ResponseBuffer | undefined;
  /** `forward` bound, for the chunked decoder (made for chunked responses only). */
  private forwardChunk: ((piece: Buffer) => void) | undefined;
  private readonly res: LeanResponse;

  constructor(
    private readonly ex: Exchange,
    private readonly target: Target,
    private readonly req: LeanRequest,
    private readonly client: BodySource,
  ) {
    this.res = ex.res as unknown as LeanResponse;
    this.bodySent = req.bodyLength === 0;
  }

  begin(): void {
    const ex = this.ex;
    const method = ex.method;
    const headers = buildUpstreamHeaders(ex, this.target.options.forwardHeaders);
    let head = `${method} ${upstreamPath(ex)} HTTP/1.1\r\nhost: ${ex.host}\r\nconnection: ${method === "HEAD" ? "close" : "keep-alive"}\r\n`;
    for (let i = 0; i < headers.length; i += 2) {
      const name = headers[i]!;
      if (name === "host" || name === "content-length") continue;
      head += `${name}: ${headers[i + 1]}\r\n`;
    }
    const length = this.req.bodyLength;
    if (length === CHUNKED) head += "transfer-encoding: chunked\r\n";
    else if (length > 0 || PAYLOAD_METHODS.has(method)) head += `content-length: ${length}\r\n`;
    this.head = `${head}\r\n`;
    if (length > 0 && length <= SMALL_BODY_BYTES) {
      // Small bodies are read whole first (usually they came with the head), then sent with the head in one write.
      this.collected = [];
      this.bodyAttached = true;
      this.client.attachBody(this);
      return;
    }
    this.dispatch();
  }

  private dispatch(): void {
    const timeoutMs = this.target.options.responseTimeoutMs;
    if (timeoutMs > 0) this.timer = setTimeout(responseTimedOut, timeoutMs, this);
    this.acquire();
  }

  private acquire(): void {
    const pool = this.target.leanPool;
    const idle = pool.takeIdle();
    if (idle) {
      this.use(idle, true);
      return;
    }
    pool.connect((error, connection) => {
      if (this.finished) {
        connection?.socket.destroy();
        return;
      }
      if (error || !connection) this.fail(error ?? new UpstreamProtocolError("connect failed"));
      else this.use(connection, false);
    });
  }

  private use(connection: UpstreamConnection, reused: boolean): void {
    this.connection = connection;
    this.reused = reused;
    connection.user = this;
    connection.uses++;
    const socket = connection.socket;
    holdWritesForTurn(socket);
    socket.write(this.head, "latin1");
    const collected = this.collected;
    if (collected) {
      for (const chunk of collected) socket.write(chunk);
      return;
    }
    if (!this.bodyAttached && this.req.bodyLength !== 0) {
      this.bodyAttached = true;
      this.client.attachBody(this);
    }
  }

  // The client's request body, as it arrives.
  data(chunk: Buffer): boolean {
    if (this.collected && !this.bodySent) {
      this.collected.push(chunk);
      return true;
    }
    const socket = this.connection?.socket;
    if (!socket || this.finished) return true;
    if (this.req.bodyLength !== CHUNKED) return socket.write(chunk);
    socket.cork();
    socket.write(chunkHeader(chunk.length), "latin1");
    socket.write(chunk);
    const ok = socket.write("\r\n", "latin1");
    socket.uncork();
    return ok;
  }

  end(): void {
    if (this.collected && !this.bodySent) {
      this.bodySent = true;
      if (!this.finished) this.dispatch();
      return;
    }
    this.bodySent = true;
    if (this.req.bodyLength === CHUNKED && !this.finished) this.connection?.socket.write(LAST_CHUNK, "latin1");
  }

  onDrain(): void {
    this.client.resumeBody();
  }

  onData(chunk: Buffer): void {
    if (this.finished) return;
    this.received = true;
    if (this.response !== undefined) {
      this.body(chunk);
      return;
    }
    let buf = this.pending === undefined ? chunk : Buffer.concat([this.pending, chunk]);
    for (;;) {
      const parsed = parseResponseHead(buf, 0, maxHeaderSize, this.ex.method);
      if (parsed === undefined) {
        this.pending = buf;
        return;
      }
      if ("error" in parsed) {
        this.fail(new UpstreamProtocolError(`invalid response from target: ${parsed.reason}`));
        return;
      }
      if (parsed.status >= 200) {
        this.pending = undefined;
        this.headReceived(parsed);
        if (!this.finished && this.response && parsed.headEnd < buf.length) this.body(buf.subarray(parsed.headEnd));
        return;
      }
      if (parsed.status === 101) {
        this.fail(new UpstreamProtocolError("unexpected upgrade response"));
        return;
      }
      // 1xx interim answers (100 Continue, 103 Early Hints) are not passed on, as in the undici path.
      buf = buf.subarray(parsed.headEnd);
      if (buf.length === 0) {
        this.pending = undefined;
        return;
      }
    }
  }

  onClose(error: Error | undefined): void {
    if (this.finished) return;
    this.connection = undefined;
    if (this.response?.bodyLength === UNTIL_CLOSE) {
      this.complete(false);
      return;
    }
    // A kept-alive connection the target closed just as it was reused: try once more on a new one.
    if (this.reused && !this.received && !this.retried && (this.req.bodyLength === 0 || this.collected)) {
      this.retried = true;
      this.pool().connect((connectError, connection) => {
        if (this.finished) {
          connection?.socket.destroy();
          return;
        }
        if (connectError || !connection) this.fail(connectError ?? new UpstreamProtocolError("connect failed"));
        else this.use(connection, false);
      });
      return;
    }
    this.fail(error ?? new UpstreamProtocolError("other side closed"));
  }

  /** Drain deadline or deploy: end the request (504 when nothing was answered yet). */
  cancel(reason: Error): void {
    this.fail(reason);
  }

  /** The client went away first: abandon the upstream request. */
  clientClosed(): void {
    if (this.finished) return;
    this.settle();
    this.ex.status = STATUS_CLIENT_CLOSED_REQUEST;
    this.connection?.socket.destroy();
    this.connection = undefined;
  }

  /** --target-timeout passed (see responseTimedOut). */
  timedOut(): void {
    this.timer = undefined;
    if (this.response === undefined) this.fail(new ResponseTimeoutError("response timeout"));
  }

  private pool() {
    return this.target.leanPool;
  }

  private headReceived(response: ResponseHead): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.response = response;
    const ex = this.ex;
    const { headers, eventStream } = clientResponseHeaders(ex, response.headers, same);
    const status = response.status;
    ex.status = status;
    const options = this.target.options;
    // As the undici path: HEAD, 204 and 304 answers have no body to buffer, and event streams are never buffered.
    if (options.bufferResponses && !eventStream && ex.method !== "HEAD" && status !== 204 && status !== 304) {
      this.responseBuffer = new ResponseBuffer(status, headers, {
        maxMemory: options.maxMemoryBufferSize,
        maxBytes: options.maxResponseBodySize,
      });
    } else {
      ex.responseHeaders = headers;
      this.res.writeHead(status, headers);
    }
    const length = response.bodyLength;
    if (length === CHUNKED) this.decoder = new ChunkedDecoder();
    else if (length === 0) this.complete(true);
    else this.remaining = length;
  }

  private body(chunk: Buffer): void {
    const length = this.response!.bodyLength;
    if (length === UNTIL_CLOSE) {
      this.forward(chunk);
      return;
    }
    const decoder = this.decoder;
    if (decoder) {
      let used: number;
      try {
        this.forwardChunk ??= this.forward.bind(this);
        used = decoder.feed(chunk, 0, chunk.length, this.forwardChunk);
      } catch (error) {
        this.fail(error as ChunkedFramingError);
        return;
      }
      if (decoder.done) this.complete(used === chunk.length);
      return;
    }
    const take = Math.min(this.remaining, chunk.length);
    this.forward(take === chunk.length ? chunk : chunk.subarray(0, take));
    this.remaining -= take;
    if (this.remaining === 0 && !this.finished) this.complete(take === chunk.length);
  }

  private forward(piece: Buffer): void {
    if (this.finished || piece.length === 0) return;
    if (this.responseBuffer) {
      this.collect(this.responseBuffer, piece);
      return;
    }
    this.ex.respBytes += piece.length;
    if (this.res.write(piece)) return;
    const socket = this.connection?.socket;
    if (!socket) return;
    socket.pause();
    this.res.once("drain", () => socket.resume());
  }

  /** Add a piece of a buffered answer: over --max-response-body it fails (500); while it goes to disk, reads wait. */
  private collect(buffer: ResponseBuffer, piece: Buffer): void {
    let pending: Promise<void> | undefined;
    try {
      pending = buffer.append(piece);
    } catch (error) {
      this.fail(error as Error);
      return;
    }
    if (!pending) return;
    const socket = this.connection?.socket;
    socket?.pause();
    pending.then(
      () => socket?.resume(),
      (error: Error) => this.fail(error),
    );
  }

  /** The whole answer arrived: keep the connection when it can carry another request, and end the response. */
  private complete(clean: boolean): void {
    if (this.finished) return;
    // Taken out first: settle() disposes the buffer of a request that failed, and this one is sent below.
    const buffer = this.responseBuffer;
    this.responseBuffer = undefined;
    this.settle();
    const connection = this.connection;
    this.connection = undefined;
    if (connection) {
      const reusable =
        clean &&
        this.response!.keepAlive &&
        this.bodySent &&
        this.ex.method !== "HEAD" &&
        (this.req.bodyLength === 0 || PAYLOAD_METHODS.has(this.ex.method));
      if (reusable) this.pool().release(connection);
      else connection.socket.destroy();
    }
    if (!buffer) {
      this.res.end();
      return;
    }
    const ex = this.ex;
    buffer
      .send(ex, (status, headers) => {
        ex.responseHeaders = headers;
        this.res.writeHead(status, headers);
        return true;
      })
      .catch(() => {
        void buffer.dispose();
        if (!this.res.headersSent) sendErrorPage(ex, 500);
        else this.res.destroy();
      });
  }

  private settle(): void {
    this.finished = true;
    void this.responseBuffer?.dispose();
    this.responseBuffer = undefined;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.target.endRequest(this);
  }

  /** The undici path's failure statuses: 504 on drain cancel and response timeout, 499 when the client left, else 502. */
  private fail(error: Error): void {
    if (this.finished) return;
    this.settle();
    const connection = this.connection;
    this.connection = undefined;
    if (connection) {
      connection.user = undefined;
      connection.socket.destroy();
    }
    const ex = this.ex;
    if (error instanceof DrainingError) {
      this.target.logger.info("Request cancelled due to draining", { target: this.target.address, path: ex.path });
      sendErrorPage(ex, 504);
      return;
    }
    if (error instanceof ResponseTimeoutError) {
      sendErrorPage(ex, 504);
      return;
    }
    if (error instanceof MaximumSizeExceededError) {
      sendErrorPage(ex, 500);
      return;
    }
    if (this.res.destroyed) {
      ex.status = STATUS_CLIENT_CLOSED_REQUEST;
      return;
    }
    this.target.logger.error("Error while proxying", {
      target: this.target.address,
      path: ex.path,
      error: error.message || (error as { code?: string }).code,
    });
    sendErrorPage(ex, 502);
  }
}

/** The response timer's callback: the call comes as the timer's argument, so no closure is made per request. */
function responseTimedOut(call: LeanUpstreamCall): void {
  call.timedOut();
}

function same(item: string): string {
  return item;
}
