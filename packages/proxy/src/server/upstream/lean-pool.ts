// Keep-alive connections to one target for the lean path: raw sockets reused LIFO, closed after 4 s idle (undici's
// keepAliveTimeout in the undici path), each reading one response at a time (no pipelining upstream, as undici).
// Written by hand with the lean path (see lean/head-parser.ts): undici's dispatcher is most of what it saves.
import net from "node:net";
import type { LookupFunction } from "node:net";

/** Idle connections older than this are closed (the target's own keep-alive timeout is usually 5 s or more). */
const IDLE_TIMEOUT_MS = 4_000;

/** A connection's user: told about data, the peer's end and errors while it holds the connection. */
export interface UpstreamUser {
  onData(chunk: Buffer): void;
  onClose(error: Error | undefined): void;
  onDrain(): void;
}

/**
 * Where every upstream socket reads into (net's `onread`) before the bytes are copied out for their user: no
 * ArrayBuffer allocated per read and no readable stream machinery (bench/README.md: ~2.5 µs less per request, one
 * worker). Sharing one buffer is safe because each read is copied out before the next read can happen.
 */
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);

/** One kept-alive socket to the target. */
export class UpstreamConnection {
  user: UpstreamUser | undefined;
  /** Requests this connection carried (0 while the first is being sent). */
  uses = 0;
  idleSince = 0;
  closed = false;

  constructor(readonly socket: net.Socket) {
    socket.on("drain", () => this.user?.onDrain());
    socket.on("error", (error) => this.close(error));
    socket.on("end", () => this.close(undefined));
    socket.on("close", () => this.close(undefined));
  }

  /** Bytes the target sent, in a buffer of their own (the user may keep them, or write them on to the client). */
  received(chunk: Buffer): void {
    if (this.user) this.user.onData(chunk);
    else this.socket.destroy();
  }

  private close(error: Error | undefined): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    const user = this.user;
    this.user = undefined;
    user?.onClose(error ?? new UpstreamClosedError("other side closed"));
  }
}

/** The target closed the connection (before the response was complete). */
export class UpstreamClosedError extends Error {
  override name = "UpstreamClosedError";
  readonly code = "UND_ERR_SOCKET";
}

const pools = new Set<LeanPool>();
let sweeping = false;

function sweep(): void {
  const now = performance.now();
  for (const pool of pools) pool.closeIdleOlderThan(now - IDLE_TIMEOUT_MS);
}

/** The lean path's connection pool to one host:port. */
export class LeanPool {
  private readonly idle: UpstreamConnection[] = [];
  private disposed = false;

  constructor(
    private readonly hostname: string,
    private readonly port: number,
    private readonly lookup: LookupFunction,
  ) {}

  /** A kept-alive connection, or undefined (connect a new one). */
  takeIdle(): UpstreamConnection | undefined {
    const idle = this.idle;
    while (idle.length > 0) {
      const connection = idle.pop()!;
      if (!connection.closed && !connection.socket.destroyed) return connection;
    }
    return undefined;
  }

  /** Open a new connection; `done` runs once connected or failed. */
  connect(done: (error: Error | undefined, connection: UpstreamConnection | undefined) => void): void {
    let connection: UpstreamConnection | undefined;
    const socket = net.connect({
      host: this.hostname,
      port: this.port,
      lookup: this.lookup,
      noDelay: true,
      onread: {
        buffer: READ_BUFFER,
        callback: (length: number, buffer: Uint8Array): boolean => {
          const chunk = Buffer.allocUnsafe(length);
          chunk.set(buffer.subarray(0, length));
          connection?.received(chunk);
          return true; // keep reading (a user that cannot take more pauses the socket itself)
        },
      },
    });
    connection = new UpstreamConnection(socket);
    const onError = (error: Error) => {
      socket.removeListener("connect", onConnect);
      done(error, undefined);
    };
    const onConnect = () => {
      socket.removeListener("error", onError);
      done(undefined, connection);
    };
    socket.once("error", onError);
    socket.once("connect", onConnect);
  }

  /** Keep a connection whose response is complete for the next request. */
  release(connection: UpstreamConnection): void {
    connection.user = undefined;
    if (this.disposed || connection.closed) {
      connection.socket.destroy();
      return;
    }
    connection.idleSince = performance.now();
    this.idle.push(connection);
    pools.add(this);
    if (!sweeping) {
      sweeping = true;
      setInterval(sweep, 1000).unref();
    }
  }

  closeIdleOlderThan(cutoff: number): void {
    const idle = this.idle;
    let keep = 0;
    for (const connection of idle) {
      if (connection.idleSince < cutoff || connection.closed) connection.socket.destroy();
      else idle[keep++] = connection;
    }
    idle.length = keep;
    if (keep === 0) pools.delete(this);
  }

  /** Close idle connections; busy ones close when their response is done. */
  dispose(): void {
    this.disposed = true;
    for (const connection of this.idle) connection.socket.destroy();
    this.idle.length = 0;
    pools.delete(this);
  }
}
