// A tiny DNS server on loopback UDP for resolver tests: answers A/AAAA queries from a table, and can hold the answers
// for some names until the test releases them (a deliberately slow DNS server without wall-clock delays).
import dgram, { type RemoteInfo } from "node:dgram";

/** What the server does with a name: answer with IPv4 addresses, say it does not exist, or hold the query. */
export type DnsAnswer = { addresses: string[]; ttl?: number } | "nxdomain" | "hold";

export interface TestDnsServer {
  /** "127.0.0.1:<port>", for TargetResolver's `servers`. */
  readonly address: string;
  /** Every query received, as "<name> <A|AAAA>". */
  readonly queries: string[];
  /** Queries currently held. */
  heldCount(): number;
  /** Answer every held query (and every later one) for `name` with `answer`. */
  release(name: string, answer: Exclude<DnsAnswer, "hold">): void;
  close(): Promise<void>;
}

const TYPE_A = 1;
const TYPE_AAAA = 28;

/** Start a server answering from `table` (names not in it get NXDOMAIN). */
export async function startDnsServer(table: Record<string, DnsAnswer>): Promise<TestDnsServer> {
  const answers = new Map(Object.entries(table).map(([name, answer]) => [name.toLowerCase(), answer]));
  const held: { name: string; query: Buffer; rinfo: RemoteInfo }[] = [];
  const queries: string[] = [];
  const socket = dgram.createSocket("udp4");
  const reply = (query: Buffer, rinfo: RemoteInfo, name: string, type: number) => {
    const answer = answers.get(name) ?? "nxdomain";
    if (answer === "hold") {
      held.push({ name, query, rinfo });
      return;
    }
    socket.send(buildResponse(query, type, answer), rinfo.port, rinfo.address);
  };
  socket.on("message", (query: Buffer, rinfo) => {
    const parsed = parseQuestion(query);
    if (!parsed) return;
    queries.push(`${parsed.name} ${parsed.type === TYPE_AAAA ? "AAAA" : parsed.type === TYPE_A ? "A" : parsed.type}`);
    reply(query, rinfo, parsed.name, parsed.type);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return {
    address: `127.0.0.1:${socket.address().port}`,
    queries,
    heldCount: () => held.length,
    release(name, answer) {
      answers.set(name, answer);
      const waiting = held.splice(0);
      for (const entry of waiting) {
        if (entry.name !== name) {
          held.push(entry);
          continue;
        }
        const parsed = parseQuestion(entry.query)!;
        socket.send(buildResponse(entry.query, parsed.type, answer), entry.rinfo.port, entry.rinfo.address);
      }
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

function parseQuestion(query: Buffer): { name: string; type: number; end: number } | undefined {
  if (query.length < 17) return undefined;
  const labels: string[] = [];
  let offset = 12;
  while (offset < query.length && query[offset] !== 0) {
    const length = query[offset]!;
    labels.push(query.toString("latin1", offset + 1, offset + 1 + length));
    offset += 1 + length;
  }
  offset += 1;
  if (offset + 4 > query.length) return undefined;
  return { name: labels.join(".").toLowerCase(), type: query.readUInt16BE(offset), end: offset + 4 };
}

function buildResponse(query: Buffer, type: number, answer: Exclude<DnsAnswer, "hold">): Buffer {
  const question = parseQuestion(query)!;
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2);
  const nxdomain = answer === "nxdomain";
  header.writeUInt16BE(nxdomain ? 0x8183 : 0x8180, 2);
  header.writeUInt16BE(1, 4);
  const records = !nxdomain && type === TYPE_A ? answer.addresses : [];
  header.writeUInt16BE(records.length, 6);
  const parts = [header, query.subarray(12, question.end)];
  for (const address of records) {
    const record = Buffer.alloc(16);
    record.writeUInt16BE(0xc00c, 0);
    record.writeUInt16BE(TYPE_A, 2);
    record.writeUInt16BE(1, 4);
    record.writeUInt32BE((answer as { ttl?: number }).ttl ?? 60, 6);
    record.writeUInt16BE(4, 10);
    const octets = address.split(".");
    for (let i = 0; i < 4; i++) record.writeUInt8(Number(octets[i]), 12 + i);
    parts.push(record);
  }
  return Buffer.concat(parts);
}
