// A body buffer that keeps up to --buffer-memory bytes in memory and spills the rest to a temp file.
import { createReadStream } from "node:fs";
import { type FileHandle, open, unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";

/** Thrown when a body grows past the configured maximum (413 for requests, 500 for responses). */
export class MaximumSizeExceededError extends Error {
  override name = "MaximumSizeExceededError";
  constructor() {
    super("maximum size exceeded");
  }
}

export interface SpillBufferOptions {
  /** Bytes kept in memory before spilling to disk. */
  maxMemory: number;
  /** Total bytes allowed; 0 means unlimited. */
  maxBytes: number;
  /** Directory for spill files ($TMPDIR by default). */
  dir?: string;
}

/** Accumulates a body; small bodies stay in memory, large ones go to a "proxy-buffer-*" temp file. */
export class SpillBuffer {
  private readonly maxMemory: number;
  private readonly maxBytes: number;
  private readonly dir: string;
  private chunks: Buffer[] = [];
  private file: FileHandle | undefined;
  private filePath = "";
  private writing: Promise<void> = Promise.resolve();
  private total = 0;

  constructor({ maxMemory, maxBytes, dir = tmpdir() }: SpillBufferOptions) {
    this.maxMemory = maxMemory;
    this.maxBytes = maxBytes;
    this.dir = dir;
  }

  /** Bytes appended so far. */
  get size(): number {
    return this.total;
  }

  /** True once the body has gone to disk. */
  get spilled(): boolean {
    return this.filePath !== "";
  }

  /**
   * Add a chunk. Throws MaximumSizeExceededError synchronously when over the limit. Returns a promise only when
   * the chunk goes to disk, so in-memory appends cost no async work.
   */
  append(chunk: Buffer): Promise<void> | undefined {
    this.total += chunk.length;
    if (this.maxBytes > 0 && this.total > this.maxBytes) throw new MaximumSizeExceededError();
    if (this.filePath === "" && this.total <= this.maxMemory) {
      this.chunks.push(chunk);
      return undefined;
    }
    if (this.filePath === "") this.startSpill();
    const pending = this.chunks;
    this.chunks = [];
    pending.push(chunk);
    this.writing = this.writing.then(async () => {
      for (const part of pending) await this.file!.write(part);
    });
    return this.writing;
  }

  /** The finished body: a Buffer when in memory, a file stream when spilled. */
  async body(): Promise<Buffer | Readable> {
    if (this.filePath === "") return this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    await this.writing;
    return createReadStream(this.filePath);
  }

  /** Remove the spill file, if any. */
  async dispose(): Promise<void> {
    const path = this.filePath;
    if (path === "") return;
    await this.writing.catch(() => {});
    await this.file?.close().catch(() => {});
    await unlink(path).catch(() => {});
  }

  private startSpill(): void {
    this.filePath = join(this.dir, `proxy-buffer-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
    const path = this.filePath;
    this.writing = open(path, "wx", 0o600).then((handle) => {
      this.file = handle;
    });
  }
}

/** Read a whole stream into a SpillBuffer, pausing the stream while spill writes catch up. */
export function readIntoBuffer(stream: Readable, buffer: SpillBuffer): Promise<void> {
  return new Promise((resolve, reject) => {
    let failed = false;
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      stream.removeListener("data", onData);
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      let pending: Promise<void> | undefined;
      try {
        pending = buffer.append(chunk);
      } catch (error) {
        fail(error as Error);
        return;
      }
      if (pending) {
        stream.pause();
        pending.then(() => stream.resume(), fail);
      }
    };
    stream.on("data", onData);
    stream.once("end", () => {
      if (!failed) resolve();
    });
    stream.once("error", fail);
    stream.once("aborted", () => fail(new Error("request aborted")));
    stream.once("close", () => {
      if (!stream.readableEnded) fail(new Error("request aborted"));
    });
  });
}
