import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, formatLogLine, StdoutOutput } from "./logger.js";

describe("formatLogLine", () => {
  it("renders slog-shaped JSON with fields in order", () => {
    const line = formatLogLine(new Date("2025-01-02T03:04:05.678Z"), "INFO", "Request", {
      host: "a.com",
      status: 200,
      skipped: undefined,
      error: new Error("boom"),
    });
    expect(JSON.parse(line)).toEqual({
      time: "2025-01-02T03:04:05.678Z",
      level: "INFO",
      msg: "Request",
      host: "a.com",
      status: 200,
      error: "boom",
    });
    expect(line.startsWith('{"time":')).toBe(true);
  });
});

describe("createLogger", () => {
  it("drops debug lines unless debug is on", () => {
    const lines: string[] = [];
    createLogger({ sink: (l) => lines.push(l) }).debug("hidden");
    createLogger({ sink: (l) => lines.push(l), debug: true }).debug("shown", { a: 1 });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: "DEBUG", msg: "shown", a: 1 });
  });
});

describe("createLogger: the hot path's lines", () => {
  it("writes an INFO line whose members the caller writes in place", () => {
    const lines: string[] = [];
    const logger = createLogger({ sink: (l) => lines.push(l), now: () => new Date("2025-01-02T03:04:05.678Z") });
    for (const status of [200, 404]) {
      const out = logger.beginInfo("Request");
      out.text(',"status":');
      out.number(status);
      logger.endLine();
    }
    logger.info("Other", { a: "b" });
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      { time: "2025-01-02T03:04:05.678Z", level: "INFO", msg: "Request", status: 200 },
      { time: "2025-01-02T03:04:05.678Z", level: "INFO", msg: "Request", status: 404 },
      { time: "2025-01-02T03:04:05.678Z", level: "INFO", msg: "Other", a: "b" },
    ]);
  });
});

describe("StdoutOutput", () => {
  function collect(stream: PassThrough): string[] {
    const writes: string[] = [];
    stream.on("data", (chunk: Buffer) => writes.push(chunk.toString()));
    return writes;
  }

  const turn = () => new Promise((resolve) => setImmediate(resolve));

  it("batches lines into one write per turn, in order, whole lines and in-place lines alike", async () => {
    const stream = new PassThrough();
    const writes = collect(stream);
    const output = new StdoutOutput(stream);
    output.line("a");
    output.writer.text('{"b":1}');
    output.lineWritten();
    output.line("c");
    await turn();
    await turn();
    expect(writes).toEqual(['a\n{"b":1}\nc\n']);
  });

  it("never rewrites bytes a stream still holds", async () => {
    // A stream that keeps every chunk it is given until later, as an asynchronous write does.
    const held: Buffer[] = [];
    const { Writable } = await import("node:stream");
    const slow = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _encoding, done) {
        held.push(chunk);
        setTimeout(done, 20);
      },
    });
    const output = new StdoutOutput(slow);
    output.line("first batch");
    await turn();
    await turn();
    output.line("second batch");
    await turn();
    await turn();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(held.map((chunk) => chunk.toString())).toEqual(["first batch\n", "second batch\n"]);
  });
});
