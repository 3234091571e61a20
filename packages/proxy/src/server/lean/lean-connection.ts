// One client connection on the lean HTTP/1.1 path: reads request heads from the raw socket, runs each request through
// the same pipeline as node:http requests (handleExchange), streams the request body to whoever claims it, and serves
// pipelined requests one after the other. A request the lean path does not take hands the whole connection (and
// the bytes already read) to node:http before anything of it was consumed.
import type net from "node:net";
import { createExchange, type Exchange } from "../exchange.js";
import { handleExchange, type PipelineDeps } from "../handler.js";
import { ChunkedDecoder } from "./chunked-decoder.js";
import { CHUNKED, type HeadError, parseRequestHead, type RequestHead } from "./head-parser.js";
import { type BodyConsumer, type BodySource, LeanRequest, LeanResponse, type LeanSink } from "./lean-exchange.js";
import { holdWritesForTurn } from "./turn-writes.js";

/** What a connection needs from the lean server that accepted it. */
export interface LeanHost {
  readonly deps: PipelineDeps;
  readonly maxHeadBytes: number;
  readonly keepAliveSeconds: number;
  /** True once the server is shutting down: answers say Connection: close. */
  readonly closing: boolean;
  forget(connection: LeanConnection): void;
  /** Pre-routing check: true when the request's service needs node:http (request or response buffering). */
  needsNodeHttp(head: RequestHead): boolean;
}

/** Bytes of request body held before a consumer attaches; beyond it the client socket is paused. */
const MAX_HELD_BODY = 64 * 1024;

const EMPTY = Buffer.alloc(0);

/** Body pieces up to this size are copied behind the head and written with it as one buffer. */
const COPY_BODY_BYTES = 16 * 1024;

/** A client connection served by the lean path. */
export class LeanConnection implements LeanSink, BodySource {
  /** performance.now() when the current head started (0: not reading a head). */
  headStartedAt: number;
  /** performance.now() when the connection went idle between requests (0: busy). */
  idleSince = 0;
  private buffered: Buffer = EMPTY;
  private readonly peer: { remoteAddress: string; remotePort: number };
  private current: LeanRequest | undefined;
  private res: LeanResponse | undefined;
  private bodyRemaining = 0;
  private decoder: ChunkedDecoder | undefined;
  private bodyDone = true;
  private consumer: BodyConsumer | undefined;
  private held: Buffer[] | undefined;
  private heldBytes = 0;
  private responseDone = true;
  private closeAfter = false;
  private processing = false;
  private readEnded = false;
  private gone = false;
  private handedOver = false;

  constructor(
    readonly socket: net.Socket,
    private readonly secure: boolean,
    private readonly host: LeanHost,
    private readonly fallback: (socket: net.Socket) => void,
  ) {
    this.headStartedAt = performance.now();
    this.peer = { remoteAddress: socket.remoteAddress ?? "", remotePort: socket.remotePort ?? 0 };
    socket.on("data", this.onData);
    socket.on("end", this.onEnd);
    socket.on("close", this.onClose);
    socket.on("error", this.onError);
    socket.on("drain", this.onDrain);
  }

  get keepAliveSeconds(): number {
    return this.host.keepAliveSeconds;
  }

  get destroyed(): boolean {
    return this.gone || this.socket.destroyed;
  }

  /** True between requests with nothing read of the next one. */
  get idle(): boolean {
    return this.current === undefined && this.buffered.length === 0;
  }

  write(data: string | Buffer, encoding?: BufferEncoding): boolean {
    if (this.destroyed) return false;
    holdWritesForTurn(this.socket);
    return typeof data === "string" ? this.socket.write(data, encoding ?? "latin1") : this.socket.write(data);
  }

  writeHeadAndBody(head: string, body: Buffer | string | undefined, tail: string | undefined): boolean {
    if (this.destroyed) return false;
    const socket = this.socket;
    holdWritesForTurn(socket);
    if (body === undefined) return socket.write(tail === undefined ? head : head + tail, "latin1");
    if (typeof body === "string") return socket.write(head + body + (tail ?? ""), "latin1");
    if (body.length <= COPY_BODY_BYTES) {
      // One buffer, one write: cheaper than a writev of three pieces (bench/README.md, "What was tried").
      const tailLength = tail === undefined ? 0 : tail.length;
      const out = Buffer.allocUnsafe(head.length + body.length + tailLength);
      const at = out.write(head, 0, "latin1");
      body.copy(out, at);
      if (tail !== undefined) out.write(tail, at + body.length, "latin1");
      return socket.write(out);
    }
    // Held for the turn above, so the pieces still leave in one writev.
    let ok = head === "" || socket.write(head, "latin1");
    ok = socket.write(body) && ok;
    if (tail !== undefined) ok = socket.write(tail, "latin1") && ok;
    return ok;
  }

  destroy(): void {
    if (this.gone) return;
    this.socket.destroy();
  }

  /** Server shutdown: close now when idle, else after the current response. */
  closeIfIdle(): void {
    if (this.idle) this.socket.destroy();
  }

  /** Cut the connection at the header read timeout, answering 408 as node:http does. */
  timeOutHead(): void {
    this.reject(408);
  }

  attachBody(consumer: BodyConsumer): void {
    this.consumer = consumer;
    const held = this.held;
    this.held = undefined;
    this.heldBytes = 0;
    let ok = true;
    if (held) for (const chunk of held) ok = consumer.data(chunk);
    if (this.bodyDone) consumer.end();
    else if (ok) this.socket.resume();
    else this.socket.pause();
  }

  resumeBody(): void {
    if (!this.bodyDone && !this.gone) this.socket.resume();
  }

  /** The body consumer cannot take more for now. */
  pauseBody(): void {
    if (!this.bodyDone) this.socket.pause();
  }

  responseFinished(res: LeanResponse, last: boolean): void {
    if (res !== this.res) return;
    this.responseDone = true;
    if (last) this.closeAfter = true;
    res.emitClose();
    if (this.bodyDone) this.completeRequest();
    else {
      // The answer came before the whole body (an error page, an early answer): read and drop the rest, as
      // node:http dumps an unread request body, unless the connection closes anyway.
      this.consumer = undefined;
      this.held = undefined;
      if (this.closeAfter) this.socket.end();
      else this.socket.resume();
    }
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.current !== undefined && !this.bodyDone) {
      this.consumeBody(chunk);
      return;
    }
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    if (this.current === undefined) {
      if (this.headStartedAt === 0) this.headStartedAt = performance.now();
      this.processBuffered();
    } else if (this.buffered.length > this.host.maxHeadBytes) {
      // Pipelined bytes beyond a whole head's worth wait until the current answer is done.
      this.socket.pause();
    }
  };

  // The client half-closed: as node:http (without httpAllowHalfOpen), a request in flight is abandoned (logged 499).
  private readonly onEnd = (): void => {
    this.readEnded = true;
    if (this.current === undefined || this.responseDone) this.socket.end();
    else this.socket.destroy();
  };

  private readonly onClose = (): void => {
    this.gone = true;
    this.host.forget(this);
    const res = this.res;
    if (res && !this.responseDone) {
      this.responseDone = true;
      res.emitClose();
    }
    this.current = undefined;
    this.res = undefined;
  };

  private readonly onError = (): void => {
    this.socket.destroy();
  };

  private readonly onDrain = (): void => {
    this.res?.emitDrain();
  };

  /** Parse and start requests from the buffered bytes, one at a time (pipelining), until one is in flight. */
  private processBuffered(): void {
    if (this.processing) return;
    this.processing = true;
    try {
      while (this.current === undefined && this.buffered.length > 0 && !this.destroyed && !this.handedOver) {
        const result = parseRequestHead(this.buffered, 0, this.host.maxHeadBytes);
        if (result === undefined) return;
        if ("error" in result) {
          this.reject((result as HeadError).error);
          return;
        }
        if ("fallback" in result || this.host.needsNodeHttp(result)) {
          this.handOver();
          return;
        }
        this.start(result);
      }
    } finally {
      this.processing = false;
    }
  }

  private start(head: RequestHead): void {
    const rest = this.buffered.subarray(head.headEnd);
    this.buffered = EMPTY;
    this.headStartedAt = 0;
    this.idleSince = 0;
    const req = new LeanRequest(head.method, head.url, head.headers, this.peer, head.bodyLength, this);
    const keepAlive = head.keepAlive && !this.host.closing && !this.readEnded;
    const res = new LeanResponse(this, head.method, keepAlive);
    this.current = req;
    this.res = res;
    this.responseDone = false;
    this.closeAfter = !keepAlive;
    this.consumer = undefined;
    this.held = undefined;
    this.heldBytes = 0;
    if (head.bodyLength === CHUNKED) {
      this.decoder = new ChunkedDecoder();
      this.bodyDone = false;
    } else {
      this.decoder = undefined;
      this.bodyRemaining = head.bodyLength;
      this.bodyDone = head.bodyLength === 0;
    }
    if (head.expectContinue) this.socket.write("HTTP/1.1 100 Continue\r\n\r\n", "latin1");
    if (rest.length > 0) {
      if (this.bodyDone) this.buffered = rest;
      else this.consumeBody(rest);
    }
    const deps = this.host.deps;
    const ex: Exchange = createExchange({
      req,
      res,
      secure: this.secure,
      listenPort: this.secure ? deps.ports.https : deps.ports.http,
    });
    handleExchange(ex, deps);
  }

  /** Body bytes of the current request; what follows its end is kept for the next request. */
  private consumeBody(chunk: Buffer): void {
    let used: number;
    const decoder = this.decoder;
    if (decoder) {
      try {
        used = decoder.feed(chunk, 0, chunk.length, this.deliver);
      } catch {
        // Malformed chunked framing: the request cannot be completed; cut the connection (node:http does too).
        this.socket.destroy();
        return;
      }
      if (decoder.done) this.bodyDone = true;
    } else {
      used = Math.min(this.bodyRemaining, chunk.length);
      if (used > 0) this.deliver(used === chunk.length ? chunk : chunk.subarray(0, used));
      this.bodyRemaining -= used;
      if (this.bodyRemaining === 0) this.bodyDone = true;
    }
    if (used < chunk.length) {
      const rest = chunk.subarray(used);
      this.buffered = this.buffered.length === 0 ? rest : Buffer.concat([this.buffered, rest]);
    }
    if (this.bodyDone) {
      if (this.consumer) this.consumer.end();
      if (this.responseDone) this.completeRequest();
    }
  }

  private readonly deliver = (data: Buffer): void => {
    if (this.responseDone) return;
    const consumer = this.consumer;
    if (consumer) {
      if (!consumer.data(data)) this.socket.pause();
      return;
    }
    this.held ??= [];
    this.held.push(data);
    this.heldBytes += data.length;
    if (this.heldBytes > MAX_HELD_BODY) this.socket.pause();
  };

  /** Request and response both done: close, or go on with the next (possibly pipelined) request. */
  private completeRequest(): void {
    this.current = undefined;
    this.res = undefined;
    this.consumer = undefined;
    this.decoder = undefined;
    if (this.closeAfter || this.host.closing) {
      this.socket.end();
      return;
    }
    this.idleSince = performance.now();
    if (this.buffered.length > 0) {
      this.headStartedAt = performance.now();
      this.socket.resume();
      if (!this.processing) queueMicrotask(() => this.processBuffered());
    } else {
      this.socket.resume();
    }
  }

  /** Answer a malformed head (or a head read timeout) and close, with the bytes node:http's handler writes. */
  private reject(status: 400 | 408 | 431): void {
    const line =
      status === 431
        ? "431 Request Header Fields Too Large"
        : status === 408
          ? "408 Request Timeout"
          : "400 Bad Request";
    this.buffered = EMPTY;
    this.headStartedAt = 0;
    this.idleSince = 0;
    this.socket.pause();
    this.socket.end(`HTTP/1.1 ${line}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }

  /** Give the connection to node:http, with what was read of it put back first. */
  private handOver(): void {
    this.handedOver = true;
    const socket = this.socket;
    socket.pause();
    socket.removeListener("data", this.onData);
    socket.removeListener("end", this.onEnd);
    socket.removeListener("close", this.onClose);
    socket.removeListener("error", this.onError);
    socket.removeListener("drain", this.onDrain);
    this.host.forget(this);
    if (this.buffered.length > 0) socket.unshift(this.buffered);
    this.buffered = EMPTY;
    // node:http then reads the handle itself; the bytes put back reach its parser first, through 'data', when the
    // socket flows again (a tick before the next read from the handle).
    this.fallback(socket);
    socket.resume();
  }
}
