// One-shot reachability checks for the app's boot, over plain TCP (node:net, no client libraries, which the
// sandbox image cannot install): Redis answers PING with PONG (after AUTH when the URL has a password), and
// Postgres answers a protocol 3.0 startup packet with an authentication request ('R'), which it sends only
// once it accepts connections; during startup or shutdown it answers with an error ('E', e.g. 57P03 "the
// database system is starting up"), which is reported.
import net from "node:net";

const TIMEOUT_MS = 3000;

/** Connects, sends `request`, and resolves with the first answer `complete` accepts; rejects on errors. */
function exchange({ host, port }, request, complete) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let data = Buffer.alloc(0);
    const fail = (message) => {
      socket.destroy();
      reject(new Error(`${host}:${port}: ${message}`));
    };
    socket.setTimeout(TIMEOUT_MS, () => fail(`no answer in ${TIMEOUT_MS} ms`));
    socket.on("error", (error) => fail(error.message));
    socket.on("connect", () => socket.write(request));
    socket.on("data", (chunk) => {
      data = Buffer.concat([data, chunk]);
      try {
        const answer = complete(data);
        if (answer === undefined) return;
        socket.end();
        resolve(answer);
      } catch (error) {
        fail(error.message);
      }
    });
    socket.on("end", () => fail("connection closed before an answer"));
  });
}

/** RESP array of bulk strings. */
function command(...args) {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;
}

/** PING (after AUTH when redis://[user]:password@… has one); resolves with a summary. */
export async function checkRedis(url) {
  const parsed = new URL(url);
  const target = { host: parsed.hostname, port: Number(parsed.port || 6379) };
  const password = decodeURIComponent(parsed.password);
  const user = decodeURIComponent(parsed.username);
  const auth = password ? (user ? command("AUTH", user, password) : command("AUTH", password)) : "";
  const expected = password ? 2 : 1;
  const lines = await exchange(target, auth + command("PING"), (data) => {
    const replies = data.toString("utf8").split("\r\n").filter(Boolean);
    const error = replies.find((line) => line.startsWith("-"));
    if (error) throw new Error(`redis answered ${error.slice(1)}`);
    return replies.length >= expected ? replies : undefined;
  });
  if (lines.at(-1) !== "+PONG") throw new Error(`redis answered ${lines.join(" ")} to PING`);
  return `PONG from ${target.host}:${target.port}`;
}

/** The names of the authentication requests Postgres sends ('R' message, first Int32). */
const AUTH_METHODS = { 0: "trust", 3: "password", 5: "md5", 10: "SASL (scram-sha-256)" };

/** A startup packet; resolves when Postgres asks for authentication, rejects with its error otherwise. */
export async function checkPostgres({ host, port, user, database }) {
  const params = Buffer.from(`user\0${user}\0database\0${database}\0\0`, "utf8");
  const packet = Buffer.alloc(8 + params.length);
  packet.writeInt32BE(packet.length, 0);
  packet.writeInt32BE(196608, 4); // protocol 3.0
  params.copy(packet, 8);
  const method = await exchange({ host, port }, packet, (data) => {
    if (data.length < 5) return undefined;
    const type = String.fromCharCode(data[0]);
    const length = data.readInt32BE(1);
    if (data.length < 1 + length) return undefined;
    const body = data.subarray(5, 1 + length);
    if (type === "R") return AUTH_METHODS[body.readInt32BE(0)] ?? `method ${body.readInt32BE(0)}`;
    if (type === "E") throw new Error(`postgres refused: ${errorFields(body)}`);
    throw new Error(`postgres answered an unexpected '${type}' message`);
  });
  return `${host}:${port} accepts connections (asks for ${method} authentication)`;
}

/** "FATAL 57P03 the database system is starting up" from an ErrorResponse body. */
function errorFields(body) {
  const fields = {};
  for (let i = 0; i < body.length && body[i] !== 0; ) {
    const end = body.indexOf(0, i + 1);
    fields[String.fromCharCode(body[i])] = body.subarray(i + 1, end).toString("utf8");
    i = end + 1;
  }
  return [fields.S, fields.C, fields.M].filter(Boolean).join(" ");
}
