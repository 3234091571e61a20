import net, { type AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { holdWritesForTurn, sendHeldWrites, whenHeldWritesSent } from "./turn-writes.js";

/** A stream that records each write it is asked to make (a writev counts once, with its pieces). */
function recorder() {
  const writes: string[][] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writes.push([chunk.toString()]);
      done();
    },
    writev(chunks, done) {
      writes.push(chunks.map(({ chunk }) => String(chunk)));
      done();
    },
  });
  return { stream, writes };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

const servers: net.Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

describe("holdWritesForTurn", () => {
  it("sends every stream's writes of a turn together, after the turn", async () => {
    const a = recorder();
    const b = recorder();
    holdWritesForTurn(a.stream);
    a.stream.write("a1");
    holdWritesForTurn(b.stream);
    b.stream.write("b1");
    holdWritesForTurn(a.stream);
    a.stream.write("a2");
    expect(a.writes).toEqual([]);
    expect(b.writes).toEqual([]);
    await turn();
    expect(a.writes).toEqual([["a1", "a2"]]);
    expect(b.writes).toEqual([["b1"]]);
    expect(a.stream.writableCorked).toBe(0);
    // The next turn is held again, on its own.
    holdWritesForTurn(a.stream);
    a.stream.write("a3");
    await turn();
    expect(a.writes).toEqual([["a1", "a2"], ["a3"]]);
  });

  it("runs what waits for the held writes after they were sent, writes made later in the turn included", async () => {
    const a = recorder();
    const seen: string[][][] = [];
    whenHeldWritesSent(() => seen.push([...a.writes]));
    holdWritesForTurn(a.stream);
    a.stream.write("after the wait was set up");
    expect(a.writes).toEqual([]);
    await turn();
    expect(seen).toEqual([[["after the wait was set up"]]]);
    // With nothing held, it still runs (after the turn).
    whenHeldWritesSent(() => seen.push([]));
    await turn();
    expect(seen).toHaveLength(2);
  });

  it("sends what is held at once when asked (a drain waiting for its last answers), and holds again after", async () => {
    const a = recorder();
    holdWritesForTurn(a.stream);
    a.stream.write("held");
    sendHeldWrites();
    expect(a.writes).toEqual([["held"]]);
    holdWritesForTurn(a.stream);
    a.stream.write("later");
    expect(a.writes).toEqual([["held"]]);
    await turn();
    expect(a.writes).toEqual([["held"], ["later"]]);
  });

  it("lets end() send at once, and a destroyed stream go", async () => {
    const ended = recorder();
    holdWritesForTurn(ended.stream);
    ended.stream.write("last");
    ended.stream.end();
    expect(ended.writes).toEqual([["last"]]);
    const destroyed = recorder();
    holdWritesForTurn(destroyed.stream);
    destroyed.stream.write("dropped");
    destroyed.stream.destroy();
    await turn();
    expect(destroyed.writes).toEqual([]);
    expect(ended.writes).toEqual([["last"]]);
  });

  it("delivers a socket's held bytes in order to the peer", async () => {
    const received: Buffer[] = [];
    const server = net.createServer((socket) => socket.on("data", (chunk) => received.push(chunk)));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const client = net.connect((server.address() as AddressInfo).port, "127.0.0.1");
    await new Promise((resolve) => client.once("connect", resolve));
    holdWritesForTurn(client);
    for (let i = 0; i < 100; i++) client.write(`${i},`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    client.destroy();
    expect(Buffer.concat(received).toString()).toBe(Array.from({ length: 100 }, (_, i) => `${i},`).join(""));
  });
});
