// A tiny Redis client: speaks RESP over node:net, one command at a time per connection, no dependencies.
// Enough for this app (AUTH, PING, INCR, GET, LPUSH, BRPOP, LLEN, HSET, HGETALL); not a general client.
import net from "node:net";

/** Encodes a command as a RESP array of bulk strings. */
export function encode(args) {
  let out = `*${args.length}\r\n`;
  for (const arg of args) {
    const s = String(arg);
    out += `$${Buffer.byteLength(s)}\r\n${s}\r\n`;
  }
  return out;
}

/** Parses one RESP value from `buf` at `pos`; returns [value, nextPos] or undefined when incomplete. */
export function parse(buf, pos = 0) {
  const eol = buf.indexOf("\r\n", pos);
  if (eol < 0) return undefined;
  const type = String.fromCharCode(buf[pos]);
  const line = buf.toString("utf8", pos + 1, eol);
  const next = eol + 2;
  switch (type) {
    case "+":
      return [line, next];
    case "-":
      return [new RedisError(line), next];
    case ":":
      return [Number(line), next];
    case "$": {
      const len = Number(line);
      if (len < 0) return [null, next];
      if (buf.length < next + len + 2) return undefined;
      return [buf.toString("utf8", next, next + len), next + len + 2];
    }
    case "*": {
      const count = Number(line);
      if (count < 0) return [null, next];
      const items = [];
      let at = next;
      for (let i = 0; i < count; i++) {
        const item = parse(buf, at);
        if (!item) return undefined;
        items.push(item[0]);
        at = item[1];
      }
      return [items, at];
    }
    default:
      throw new Error(`unexpected RESP type ${JSON.stringify(type)}`);
  }
}

export class RedisError extends Error {}

/**
 * Connects (and AUTHs when a password is given); resolves to { command(...args), close(), closed }.
 * A command gets `timeoutMs` to answer (idle connections never time out); once the connection is closed,
 * every pending and later command fails at once, so callers can reconnect.
 */
export function connect({ host, port = 6379, password, timeoutMs = 5000 }) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let buffer = Buffer.alloc(0);
    let closed = false;
    const waiting = [];
    socket.setNoDelay(true);
    socket.on("timeout", () => socket.destroy(new Error(`redis ${host}:${port}: no answer within ${timeoutMs} ms`)));
    socket.on("data", (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const parsed = parse(buffer);
        if (!parsed) break;
        buffer = buffer.subarray(parsed[1]);
        const pending = waiting.shift();
        if (waiting.length === 0) socket.setTimeout(0);
        if (!pending) continue;
        if (parsed[0] instanceof RedisError) pending.reject(parsed[0]);
        else pending.resolve(parsed[0]);
      }
    });
    let failure;
    const fail = (error) => {
      failure ??= error;
      closed = true;
      while (waiting.length > 0) waiting.shift().reject(failure);
      reject(failure);
    };
    socket.on("error", fail);
    socket.on("close", () => fail(new Error(`redis ${host}:${port}: connection closed`)));
    const client = {
      command(...args) {
        if (closed) return Promise.reject(failure ?? new Error(`redis ${host}:${port}: connection closed`));
        return new Promise((res, rej) => {
          if (waiting.length === 0) socket.setTimeout(timeoutMs);
          waiting.push({ resolve: res, reject: rej });
          socket.write(encode(args));
        });
      },
      close() {
        closed = true;
        socket.end();
      },
      get closed() {
        return closed;
      },
    };
    socket.once("connect", async () => {
      try {
        if (password) await client.command("AUTH", password);
        resolve(client);
      } catch (error) {
        socket.destroy();
        reject(error);
      }
    });
  });
}

/** Connection settings from the environment (REDIS_HOST, REDIS_PORT, REDIS_PASSWORD). */
export function redisFromEnv(env = process.env) {
  return {
    host: env.REDIS_HOST ?? "127.0.0.1",
    port: Number(env.REDIS_PORT ?? 6379),
    password: env.REDIS_PASSWORD || undefined,
  };
}
