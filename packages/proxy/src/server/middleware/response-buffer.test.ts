import { describe, expect, it } from "vitest";
import { fakeExchange } from "../../../test/helpers.js";
import { MaximumSizeExceededError } from "../buffer.js";
import { bypassesResponseBuffer, ResponseBuffer } from "./response-buffer.js";

describe("ResponseBuffer", () => {
  it("collects the body and sends it with a Content-Length replacing the original framing", async () => {
    const buffer = new ResponseBuffer(200, ["content-type", "text/plain", "content-length", "999"], {
      maxMemory: 4,
      maxBytes: 0,
    });
    buffer.append(Buffer.from("ab"));
    await buffer.append(Buffer.from("cdef"));
    let sent: { status: number; headers: string[] } | undefined;
    const { ex, res } = fakeExchange();
    const bodies: string[] = [];
    const writable = ex.res as unknown as {
      write: (c: Buffer) => boolean;
      end: (c?: Buffer) => void;
      on: () => void;
      once: () => void;
      emit: () => boolean;
    };
    writable.write = (chunk: Buffer) => {
      bodies.push(chunk.toString());
      return true;
    };
    writable.on = () => {};
    writable.emit = () => true;
    const done = new Promise<void>((resolve) => {
      const end = writable.end;
      writable.end = (chunk?: Buffer) => {
        if (chunk) bodies.push(chunk.toString());
        end(chunk);
        resolve();
      };
    });
    await buffer.send(ex, (status, headers) => {
      sent = { status, headers };
      return true;
    });
    await done;
    expect(sent).toEqual({ status: 200, headers: ["content-type", "text/plain", "content-length", "6"] });
    expect(bodies.join("")).toBe("abcdef");
    expect(ex.respBytes).toBe(6);
    void res;
  });

  it("refuses bodies over the maximum", () => {
    const buffer = new ResponseBuffer(200, [], { maxMemory: 100, maxBytes: 3 });
    expect(() => buffer.append(Buffer.from("abcd"))).toThrow(MaximumSizeExceededError);
  });

  it("lets event streams bypass buffering", () => {
    expect(bypassesResponseBuffer("text/event-stream; charset=utf-8")).toBe(true);
    expect(bypassesResponseBuffer("text/html")).toBe(false);
  });
});
