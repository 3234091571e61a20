// JSON line logger shaped like Go's slog JSONHandler ({"time","level","msg",...fields}), as kamal-proxy writes.
import { JsonLineWriter, jsonBytes } from "./json-line-writer.js";

export type LogLevel = "DEBUG" | "INFO" | "WARN" | "ERROR";
export type LogFields = Record<string, unknown>;
/** Receives one complete JSON line (without the trailing newline). */
export type LogSink = (line: string) => void;

/** The logging surface every part of the proxy receives (never a module-level global). */
export interface Logger {
  readonly debugEnabled: boolean;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /**
   * The hot path's API: start an INFO line and return the writer its members go to, each written as `,"name":value`;
   * endLine() completes it. Nothing else may be logged in between.
   */
  beginInfo(msg: string): JsonLineWriter;
  endLine(): void;
}

export interface LoggerOptions {
  sink?: LogSink;
  debug?: boolean;
  now?: () => Date;
}

/** Where a logger's lines go: whole lines as strings, or lines written in place into `writer`. */
interface LineOutput {
  readonly writer: JsonLineWriter;
  /** A whole line (without the newline). */
  line(text: string): void;
  /** The line being written into `writer` is complete. */
  lineWritten(): void;
}

const TIME_OPEN = jsonBytes('{"time":"');
const INFO_MSG = jsonBytes('","level":"INFO","msg":');
const CLOSE_BRACE = 0x7d;
const NEWLINE = 0x0a;

/** Create a logger writing JSON lines to `sink` (stdout, batched, by default). */
export function createLogger({ sink, debug = false, now }: LoggerOptions = {}): Logger {
  const output: LineOutput = sink ? new SinkOutput(sink) : sharedStdoutOutput();
  const clock = now ?? (() => new Date());
  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    output.line(formatLogLine(clock(), level, msg, fields));
  };
  const times = new TimeCache();
  return {
    debugEnabled: debug,
    debug: (msg, fields) => {
      if (debug) emit("DEBUG", msg, fields);
    },
    info: (msg, fields) => emit("INFO", msg, fields),
    warn: (msg, fields) => emit("WARN", msg, fields),
    error: (msg, fields) => emit("ERROR", msg, fields),
    beginInfo: (msg) => {
      const writer = output.writer;
      writer.bytes(TIME_OPEN);
      writer.bytes(times.iso(now ? now().getTime() : Date.now()));
      writer.bytes(INFO_MSG);
      writer.string(msg);
      return writer;
    },
    endLine: () => {
      output.writer.byte(CLOSE_BRACE);
      output.lineWritten();
    },
  };
}

/** The ISO timestamp as bytes, formatted at most once per millisecond (many request lines share one). */
class TimeCache {
  private ms = -1;
  private bytes: Uint8Array = new Uint8Array(0);

  iso(ms: number): Uint8Array {
    if (ms !== this.ms) {
      this.ms = ms;
      this.bytes = jsonBytes(new Date(ms).toISOString());
    }
    return this.bytes;
  }
}

/** Lines handed one by one, as strings, to a sink (tests, and workers forwarding their lines to the primary). */
class SinkOutput implements LineOutput {
  readonly writer = new JsonLineWriter(4096);

  constructor(private readonly sink: LogSink) {}

  line(text: string): void {
    this.sink(text);
  }

  lineWritten(): void {
    const text = this.writer.toString();
    this.writer.truncate();
    this.sink(text);
  }
}

/** A logger that drops everything (tests and benchmarks that do not look at logs). */
export function createSilentLogger(): Logger {
  return createLogger({ sink: () => {} });
}

/** Render one slog-style JSON line; errors become their message, undefined fields are left out. */
export function formatLogLine(time: Date, level: LogLevel, msg: string, fields?: LogFields): string {
  const head = `{"time":"${time.toISOString()}","level":"${level}","msg":${JSON.stringify(msg)}`;
  if (!fields) return `${head}}`;
  let values = fields;
  for (const key in fields) {
    if (fields[key] instanceof Error) {
      values = { ...fields };
      for (const k in values) if (values[k] instanceof Error) values[k] = (values[k] as Error).message;
      break;
    }
  }
  // One JSON.stringify over the flat object stays on V8's fast path.
  const body = JSON.stringify(values);
  return body.length <= 2 ? `${head}}` : `${head},${body.slice(1)}`;
}

/**
 * Lines batched in one byte buffer and written to a stream once per event-loop turn: one write(2) for many access-log
 * lines instead of one each, which matters on the request hot path.
 */
export class StdoutOutput implements LineOutput {
  readonly writer = new JsonLineWriter();
  private scheduled = false;
  private readonly flushLater = () => this.flush();

  constructor(private readonly stream: NodeJS.WritableStream & { readonly writableLength?: number } = process.stdout) {
    process.once("exit", () => this.flush());
  }

  line(text: string): void {
    this.writer.text(text);
    this.lineWritten();
  }

  lineWritten(): void {
    this.writer.byte(NEWLINE);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushLater);
    }
  }

  /** Write what is batched. The buffer is reused unless the stream still holds it (a write not yet done). */
  flush(): void {
    this.scheduled = false;
    const writer = this.writer;
    if (writer.length === 0) return;
    this.stream.write(writer.view());
    if (this.stream.writableLength === 0) writer.truncate();
    else writer.detach();
  }
}

let stdoutOutput: StdoutOutput | undefined;

function sharedStdoutOutput(): StdoutOutput {
  stdoutOutput ??= new StdoutOutput();
  return stdoutOutput;
}
