import { EventEmitter } from "node:events";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { keepRunningWithoutOutput, stdoutClosed, streamWriter } from "./io.js";

describe("streamWriter", () => {
  it("writes to the stream while it is open", () => {
    const stream = new PassThrough();
    const write = streamWriter(stream);
    write("a");
    write("b");
    expect(stream.read()?.toString()).toBe("ab");
  });

  it("survives a reader that went away and drops what comes after", () => {
    const written: string[] = [];
    const stream = Object.assign(new EventEmitter(), { write: (text: string) => written.push(text) });
    const write = streamWriter(stream);
    write("first");
    const epipe = Object.assign(new Error("write EPIPE"), { code: "EPIPE" });
    // An 'error' event without a listener would throw here.
    expect(() => stream.emit("error", epipe)).not.toThrow();
    write("second");
    expect(written).toEqual(["first"]);
    expect(() => stream.emit("error", epipe)).not.toThrow();
  });
});

describe("streamWriter's onClosed", () => {
  it("is told once, at the first failed write", () => {
    const stream = Object.assign(new EventEmitter(), { write: () => true });
    let closed = 0;
    streamWriter(stream, () => closed++);
    const epipe = Object.assign(new Error("write EPIPE"), { code: "EPIPE" });
    stream.emit("error", epipe);
    stream.emit("error", epipe);
    expect(closed).toBe(1);
  });
});

describe("stdoutClosed", () => {
  it("ends with 141 outside the deploy lock and lets the work under it finish", () => {
    const exits: number[] = [];
    stdoutClosed((code) => exits.push(code));
    expect(exits).toEqual([141]);
    let critical = true;
    const undo = keepRunningWithoutOutput(() => critical);
    stdoutClosed((code) => exits.push(code));
    expect(exits).toEqual([141]);
    critical = false;
    stdoutClosed((code) => exits.push(code));
    expect(exits).toEqual([141, 141]);
    critical = true;
    undo();
    stdoutClosed((code) => exits.push(code));
    expect(exits).toEqual([141, 141, 141]);
  });
});
