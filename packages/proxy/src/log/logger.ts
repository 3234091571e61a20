// JSON line logger shaped like Go's slog JSONHandler ({"time","level","msg",...fields}), as kamal-proxy writes.

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
  /** Write an INFO line whose fields are already rendered as JSON members (`"a":1,"b":"x"`); the hot path's API. */
  infoRendered(msg: string, members: string): void;
}

export interface LoggerOptions {
  sink?: LogSink;
  debug?: boolean;
  now?: () => Date;
}

/** Create a logger writing JSON lines to `sink` (stdout, batched, by default). */
export function createLogger({
  sink = sharedStdoutSink(),
  debug = false,
  now = () => new Date(),
}: LoggerOptions = {}): Logger {
  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    sink(formatLogLine(now(), level, msg, fields));
  };
  return {
    debugEnabled: debug,
    debug: (msg, fields) => {
      if (debug) emit("DEBUG", msg, fields);
    },
    info: (msg, fields) => emit("INFO", msg, fields),
    warn: (msg, fields) => emit("WARN", msg, fields),
    error: (msg, fields) => emit("ERROR", msg, fields),
    infoRendered: (msg, members) => {
      sink(`{"time":"${isoTime(now)}","level":"INFO","msg":${JSON.stringify(msg)},${members}}`);
    },
  };
}

let cachedMs = -1;
let cachedIso = "";

/** The ISO timestamp, formatted at most once per millisecond (many request lines share one). */
function isoTime(now: () => Date): string {
  const date = now();
  const ms = date.getTime();
  if (ms !== cachedMs) {
    cachedMs = ms;
    cachedIso = date.toISOString();
  }
  return cachedIso;
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
  // One JSON.stringify over the flat object stays on V8's fast path (this runs once per proxied request).
  const body = JSON.stringify(values);
  return body.length <= 2 ? `${head}}` : `${head},${body.slice(1)}`;
}

/**
 * A sink that batches lines and writes them to stdout once per event-loop turn: one write(2) for many access-log
 * lines instead of one each, which matters on the request hot path.
 */
export function createStdoutSink(stream: NodeJS.WritableStream = process.stdout): LogSink {
  let pending: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = `${pending.join("\n")}\n`;
    pending = [];
    stream.write(text);
  };
  process.once("exit", flush);
  return (line) => {
    pending.push(line);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
}

let stdoutSink: LogSink | undefined;

function sharedStdoutSink(): LogSink {
  stdoutSink ??= createStdoutSink();
  return stdoutSink;
}
