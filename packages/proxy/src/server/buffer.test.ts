import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { describe, expect, it } from "vitest";
import { MaximumSizeExceededError, readIntoBuffer, SpillBuffer } from "./buffer.js";

const dir = () => mkdtempSync(join(tmpdir(), "buf-test-"));

describe("SpillBuffer", () => {
  it("keeps small bodies in memory", async () => {
    const buffer = new SpillBuffer({ maxMemory: 10, maxBytes: 0 });
    expect(buffer.append(Buffer.from("hello"))).toBeUndefined();
    expect(buffer.spilled).toBe(false);
    expect((await buffer.body()).toString()).toBe("hello");
  });

  it("spills to a temp file past the memory threshold and deletes it on dispose", async () => {
    const d = dir();
    const buffer = new SpillBuffer({ maxMemory: 4, maxBytes: 0, dir: d });
    buffer.append(Buffer.from("abc"));
    await buffer.append(Buffer.from("defgh"));
    await buffer.append(Buffer.from("ij"));
    expect(buffer.spilled).toBe(true);
    expect(readdirSync(d)[0]).toMatch(/^proxy-buffer-/);
    const body = await buffer.body();
    expect(Buffer.isBuffer(body)).toBe(false);
    expect(await text(body as Readable)).toBe("abcdefghij");
    await buffer.dispose();
    expect(readdirSync(d)).toEqual([]);
  });

  it("rejects bodies over the maximum", () => {
    const buffer = new SpillBuffer({ maxMemory: 100, maxBytes: 5 });
    buffer.append(Buffer.from("12345"));
    expect(() => buffer.append(Buffer.from("6"))).toThrow(MaximumSizeExceededError);
  });
});

describe("readIntoBuffer", () => {
  it("reads a stream through the spill path", async () => {
    const d = dir();
    const buffer = new SpillBuffer({ maxMemory: 3, maxBytes: 0, dir: d });
    await readIntoBuffer(Readable.from([Buffer.from("ab"), Buffer.from("cd"), Buffer.from("ef")]), buffer);
    expect(await text((await buffer.body()) as Readable)).toBe("abcdef");
    await buffer.dispose();
    expect(existsSync(d)).toBe(true);
  });

  it("fails with MaximumSizeExceededError", async () => {
    const buffer = new SpillBuffer({ maxMemory: 100, maxBytes: 3 });
    await expect(readIntoBuffer(Readable.from([Buffer.from("abcd")]), buffer)).rejects.toThrow(
      MaximumSizeExceededError,
    );
  });
});
