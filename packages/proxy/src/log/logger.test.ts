import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, createStdoutSink, formatLogLine } from "./logger.js";

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

describe("createStdoutSink", () => {
  it("batches lines into one write per turn", async () => {
    const stream = new PassThrough();
    const writes: string[] = [];
    stream.on("data", (chunk: Buffer) => writes.push(chunk.toString()));
    const sink = createStdoutSink(stream);
    sink("a");
    sink("b");
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual(["a\nb\n"]);
  });
});
