// The request and response of an exchange on the lean HTTP/1.1 path: what the middleware chain reads from node's
// IncomingMessage and ServerResponse (headers, url, writeHead/write/end, headersSent, destroyed, 'close'/'drain'),
// writing the same bytes node:http writes (status line, headers as given, Date, Connection/Keep-Alive, chunked
// framing when no Content-Length) straight to the client socket.
import { STATUS_CODES } from "node:http";
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import { chunkHeader, LAST_CHUNK } from "./chunked-decoder.js";

/** What a lean response needs from the connection it answers on. */
export interface LeanSink {
  /** Write bytes to the client; false when the socket buffer is full (wait for 'drain'). */
  write(data: string | Buffer, encoding?: BufferEncoding): boolean;
  /** Write the head and body together (one syscall). */
  writeHeadAndBody(head: string, body: Buffer | string | undefined, tail: string | undefined): boolean;
  readonly destroyed: boolean;
  destroy(): void;
  /** The response ended; `last` asks for the connection to close after it. */
  responseFinished(res: LeanResponse, last: boolean): void;
  /** Seconds for Keep-Alive: timeout=N (0: no Keep-Alive header). */
  readonly keepAliveSeconds: number;
}

/** Where a request body goes (the upstream request registers itself with attachBody). */
export interface BodyConsumer {
  /** A piece of the body; false asks the client side to pause until resumeBody(). */
  data(chunk: Buffer): boolean;
  end(): void;
}

/** The client connection as the upstream sees it: the request body's source. */
export interface BodySource {
  /** Claim the current request's body: bytes held so far are replayed, the rest streamed as it arrives. */
  attachBody(consumer: BodyConsumer): void;
  /** The consumer's destination drained: read more. */
  resumeBody(): void;
}

/** The request side, shaped like the IncomingMessage fields the middleware reads. */
export class LeanRequest {
  readonly httpVersionMajor = 1;
  readonly httpVersionMinor = 1;
  readonly socket: { readonly remoteAddress: string; readonly remotePort: number };
  readonly headers: IncomingHttpHeaders;
  constructor(
    readonly method: string,
    readonly url: string,
    headers: Record<string, string | string[]>,
    socket: { remoteAddress: string; remotePort: number },
    /** Body length as parsed: n >= 0, or CHUNKED. */
    readonly bodyLength: number,
    /** The client connection (the upstream claims the body from it). */
    readonly connection: BodySource,
  ) {
    this.headers = headers as IncomingHttpHeaders;
    this.socket = socket;
  }
}

let dateCache = "";
let dateExpires = 0;

/** The Date header value, formatted once per second (as node:http caches it). */
export function utcDate(now: number = Date.now()): string {
  if (now >= dateExpires) {
    dateCache = new Date(now).toUTCString();
    dateExpires = now - (now % 1000) + 1000;
  }
  return dateCache;
}

const SEEN_DATE = 1;
const SEEN_CONNECTION = 2;
const SEEN_LENGTH = 4;
const SEEN_TE = 8;

/** The response side, shaped like the ServerResponse members the middleware and the upstream use. */
export class LeanResponse {
  statusCode = 200;
  headersSent = false;
  finished = false;
  private aborted = false;
  private hasBody = true;
  private chunked = false;
  private last = false;
  private pendingHead: string | undefined;
  private closeListeners: (() => void)[] | undefined;
  private drainListeners: (() => void)[] | undefined;

  constructor(
    private readonly sink: LeanSink,
    private readonly method: string,
    /** The client asked to keep the connection (HTTP/1.1 without Connection: close) and the server is not closing. */
    private readonly keepAlive: boolean,
  ) {}

  get destroyed(): boolean {
    return this.aborted || this.sink.destroyed;
  }

  get writableEnded(): boolean {
    return this.finished;
  }

  /** Store the head as node's ServerResponse.writeHead does; it goes out with the first body bytes or end(). */
  writeHead(status: number, headers?: OutgoingHttpHeaders | readonly string[]): this {
    if (this.headersSent) throw new Error("Cannot write headers after they are sent to the client");
    this.statusCode = status;
    let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "unknown"}\r\n`;
    // Which of Date, Connection, Content-Length and Transfer-Encoding the caller set (no closure per call).
    let seen = 0;
    if (Array.isArray(headers)) {
      for (let i = 0; i < headers.length; i += 2) {
        const name = headers[i] as string;
        const value = headers[i + 1] as string;
        head += `${name}: ${value}\r\n`;
        seen |= this.noteHeader(name, value);
      }
    } else if (headers) {
      const object = headers as OutgoingHttpHeaders;
      for (const name in object) {
        const value = object[name];
        if (value === undefined) continue;
        // Object headers come from the proxy's own answers (error pages, redirects), not from a target.
        for (const item of Array.isArray(value) ? value : [value]) {
          const text = String(item);
          head += `${name}: ${text}\r\n`;
          seen |= this.noteHeader(name, text);
        }
      }
    }
    const date = (seen & SEEN_DATE) !== 0;
    const connection = (seen & SEEN_CONNECTION) !== 0;
    const length = (seen & SEEN_LENGTH) !== 0;
    const te = (seen & SEEN_TE) !== 0;
    if (!date) head += `Date: ${utcDate()}\r\n`;
    if (this.method === "HEAD" || status === 204 || status === 304 || (status >= 100 && status < 200)) {
      this.hasBody = false;
    }
    if (!connection) {
      if (this.keepAlive) {
        head += "Connection: keep-alive\r\n";
        const seconds = this.sink.keepAliveSeconds;
        if (seconds >= 0) head += `Keep-Alive: timeout=${seconds}\r\n`;
      } else {
        this.last = true;
        head += "Connection: close\r\n";
      }
    }
    if (!length && !te && this.hasBody) {
      head += "Transfer-Encoding: chunked\r\n";
      this.chunked = true;
    }
    if (!this.hasBody) this.chunked = false;
    this.pendingHead = `${head}\r\n`;
    this.headersSent = true;
    return this;
  }

  /** Write body bytes (a string as UTF-8, as node:http does); false when the client socket is full (wait for 'drain'). */
  write(data: Buffer | string): boolean {
    if (this.finished || this.aborted) return false;
    // The sink writes strings as latin1 (heads); a body string goes as its UTF-8 bytes, which Content-Length counts.
    const chunk = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    if (!this.headersSent) this.writeHead(this.statusCode);
    if (!this.hasBody || chunk.length === 0) return this.flushHead();
    const head = this.pendingHead;
    this.pendingHead = undefined;
    if (this.chunked) {
      return this.sink.writeHeadAndBody(`${head ?? ""}${chunkHeader(chunk.length)}`, chunk, "\r\n");
    }
    if (head === undefined) return this.sink.write(chunk);
    return this.sink.writeHeadAndBody(head, chunk, undefined);
  }

  /** Finish the response (with an optional last body piece); the overloads mirror ServerResponse#end. */
  end(cb?: () => void): this;
  end(chunk: Buffer | string | Uint8Array, cb?: () => void): this;
  end(chunk: Buffer | string | Uint8Array, encoding: BufferEncoding, cb?: () => void): this;
  end(arg?: Buffer | string | Uint8Array | (() => void)): this {
    const chunk =
      typeof arg === "function" || arg === undefined
        ? undefined
        : typeof arg === "string"
          ? Buffer.from(arg, "utf8")
          : Buffer.isBuffer(arg)
            ? arg
            : Buffer.from(arg.buffer, arg.byteOffset, arg.byteLength);
    if (this.finished || this.aborted) return this;
    if (!this.headersSent) {
      this.writeHead(this.statusCode, ["Content-Length", String(chunk === undefined ? 0 : chunk.length)]);
    }
    if (chunk !== undefined && chunk.length > 0 && this.hasBody) {
      const head = this.pendingHead ?? "";
      this.pendingHead = undefined;
      if (this.chunked) {
        this.sink.writeHeadAndBody(`${head}${chunkHeader(chunk.length)}`, chunk, `\r\n${LAST_CHUNK}`);
      } else {
        this.sink.writeHeadAndBody(head, chunk, undefined);
      }
    } else {
      const head = this.pendingHead ?? "";
      this.pendingHead = undefined;
      const tail = this.chunked ? LAST_CHUNK : "";
      if (head !== "" || tail !== "") this.sink.write(head + tail, "latin1");
    }
    this.finished = true;
    this.sink.responseFinished(this, this.last);
    return this;
  }

  /** Cut the connection (a response that cannot be completed). */
  destroy(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.sink.destroy();
  }

  once(event: "close" | "drain" | (string & {}), listener: () => void): this {
    if (event === "close") {
      this.closeListeners ??= [];
      this.closeListeners.push(listener);
    } else if (event === "drain") {
      this.drainListeners ??= [];
      this.drainListeners.push(listener);
    }
    return this;
  }

  /** The connection's socket drained. */
  emitDrain(): void {
    const listeners = this.drainListeners;
    if (!listeners) return;
    this.drainListeners = undefined;
    for (const listener of listeners) listener();
  }

  /** The response is over (finished, or the connection went away): run the 'close' listeners once. */
  emitClose(): void {
    const listeners = this.closeListeners;
    if (!listeners) return;
    this.closeListeners = undefined;
    for (const listener of listeners) listener();
  }

  /** Note a framing header the caller set (Connection: close ends the connection; chunked framing): a SEEN_ bit. */
  private noteHeader(name: string, value: string): number {
    switch (name.length) {
      case 4:
        return name.toLowerCase() === "date" ? SEEN_DATE : 0;
      case 10:
        if (name.toLowerCase() !== "connection") return 0;
        if (/(^|[\s,])close($|[\s,])/i.test(value)) this.last = true;
        return SEEN_CONNECTION;
      case 14:
        return name.toLowerCase() === "content-length" ? SEEN_LENGTH : 0;
      case 17:
        if (name.toLowerCase() !== "transfer-encoding") return 0;
        if (/chunked/i.test(value)) this.chunked = true;
        return SEEN_TE;
      default:
        return 0;
    }
  }

  private flushHead(): boolean {
    const head = this.pendingHead;
    if (head === undefined) return true;
    this.pendingHead = undefined;
    return this.sink.write(head, "latin1");
  }
}
