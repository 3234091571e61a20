import { describe, expect, it } from "vitest";
import { ChunkedDecoder, ChunkedFramingError } from "./chunked-decoder.js";

/** Decode `input` fed in pieces of `step` bytes; returns the data and the bytes left after the body. */
function decode(input: string, step = input.length): { data: string; rest: string; done: boolean } {
  const decoder = new ChunkedDecoder();
  const buf = Buffer.from(input, "latin1");
  let data = "";
  for (let at = 0; at < buf.length; at += step) {
    const end = Math.min(buf.length, at + step);
    const used = decoder.feed(buf, at, end, (piece) => {
      data += piece.toString("latin1");
    });
    if (decoder.done) return { data, rest: buf.subarray(at + used).toString("latin1"), done: true };
  }
  return { data, rest: "", done: decoder.done };
}

const BODY = "5\r\nhello\r\n1;name=value\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n";

describe("ChunkedDecoder", () => {
  it("decodes chunks, dropping extensions and trailers, at every split of the input", () => {
    for (let step = 1; step <= BODY.length; step++) {
      expect(decode(`${BODY}GET /next`, step)).toEqual({ data: "hello 0123456789", rest: "GET /next", done: true });
    }
  });

  it("waits for more input until the last chunk and the blank line", () => {
    expect(decode("5\r\nhello\r\n0\r\n")).toEqual({ data: "hello", rest: "", done: false });
    expect(decode("0\r\n\r\n")).toEqual({ data: "", rest: "", done: true });
  });

  it("refuses malformed framing", () => {
    for (const bad of [
      "x\r\n",
      "\r\n",
      "5\nhello\r\n",
      "5\r\nhelloXX",
      "5\r\nhello\n0\r\n\r\n",
      "1234567890abc\r\n",
      "0\r\nX-T: a\n\r\n",
      "0\r\n\rX",
      "1;a\x01\r\n",
    ]) {
      expect(() => decode(bad), JSON.stringify(bad)).toThrow(ChunkedFramingError);
    }
  });
});
