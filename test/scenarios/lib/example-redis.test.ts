// The example app's tiny Redis client (examples/hello/redis.js) against a fake RESP server on loopback.
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
// @ts-expect-error plain JavaScript without types (the example has no build step and no dependencies)
import { connect, encode, parse } from "../../../examples/hello/redis.js";

type Client = { command(...args: unknown[]): Promise<unknown>; close(): void; readonly closed: boolean };

const servers: net.Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** A fake Redis: answers each command line with `reply(args)` (raw RESP), or stays silent when it returns "". */
async function fakeRedis(reply: (args: string[], socket: net.Socket) => string): Promise<number> {
  const server = net.createServer((socket) => {
    let buffer = Buffer.alloc(0);
    socket.on("data", (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const parsed = parse(buffer) as [string[], number] | undefined;
        if (!parsed) break;
        buffer = buffer.subarray(parsed[1]);
        const out = reply(parsed[0], socket);
        if (out) socket.write(out);
      }
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as net.AddressInfo).port;
}

describe("RESP encoding", () => {
  it("encodes commands as arrays of bulk strings (byte lengths)", () => {
    expect(encode(["SET", "k", "héllo"])).toBe("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$6\r\nhéllo\r\n");
  });

  it("parses nested replies and waits for incomplete ones", () => {
    expect(parse(Buffer.from("*3\r\n$3\r\nfoo\r\n:42\r\n$-1\r\n"))).toEqual([["foo", 42, null], 23]);
    expect(parse(Buffer.from("$5\r\nhel"))).toBeUndefined();
    expect(parse(Buffer.from("*2\r\n:1\r\n"))).toBeUndefined();
  });
});

describe("connect", () => {
  it("authenticates, runs commands in order and turns error replies into rejections", async () => {
    const seen: string[][] = [];
    const port = await fakeRedis((args) => {
      seen.push(args);
      if (args[0] === "INCR") return ":7\r\n";
      if (args[0] === "BAD") return "-ERR unknown command\r\n";
      return "+OK\r\n";
    });
    const client = (await connect({ host: "127.0.0.1", port, password: "pw" })) as Client;
    expect(await Promise.all([client.command("INCR", "x"), client.command("SET", "a", "b")])).toEqual([7, "OK"]);
    await expect(client.command("BAD")).rejects.toThrow("ERR unknown command");
    expect(seen[0]).toEqual(["AUTH", "pw"]);
    client.close();
  });

  it("fails a command the server does not answer in time, and every later one at once", async () => {
    const port = await fakeRedis(() => "");
    const client = (await connect({ host: "127.0.0.1", port, timeoutMs: 100 })) as Client;
    await expect(client.command("PING")).rejects.toThrow(/no answer within 100 ms/);
    expect(client.closed).toBe(true);
    await expect(client.command("PING")).rejects.toThrow(/no answer within 100 ms/);
  });

  it("does not time out an idle connection", async () => {
    const port = await fakeRedis(() => "+PONG\r\n");
    const client = (await connect({ host: "127.0.0.1", port, timeoutMs: 50 })) as Client;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(client.closed).toBe(false);
    expect(await client.command("PING")).toBe("PONG");
    client.close();
  });

  it("rejects pending and later commands when the server drops the connection", async () => {
    const port = await fakeRedis((_args, socket) => {
      socket.destroy();
      return "";
    });
    const client = (await connect({ host: "127.0.0.1", port })) as Client;
    await expect(client.command("PING")).rejects.toThrow(/connection closed/);
    await expect(client.command("PING")).rejects.toThrow(/connection closed/);
  });
});
