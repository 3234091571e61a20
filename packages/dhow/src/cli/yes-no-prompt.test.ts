import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { askYesNo } from "./yes-no-prompt.js";

describe("askYesNo", () => {
  async function ask(input: string) {
    const stream = new PassThrough();
    stream.end(input);
    let written = "";
    const answer = await askYesNo("Sure?", { input: stream, write: (text) => (written += text) });
    return { answer, written };
  }

  it("asks Thor's way and accepts only y", async () => {
    expect(await ask("y\n")).toEqual({ answer: true, written: "Sure? [y, N] (N) " });
    expect((await ask("N\n")).answer).toBe(false);
    expect((await ask("\n")).answer).toBe(false);
  });

  it("asks again on anything else, and treats end of input as N", async () => {
    const { answer, written } = await ask("yes\ny\n");
    expect(answer).toBe(true);
    expect(written).toBe("Sure? [y, N] (N) Your response must be one of: [y, N]. Please try again.\nSure? [y, N] (N) ");
    expect((await ask("")).answer).toBe(false);
  });
});
