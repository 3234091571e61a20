// Reads the SNI name and ALPN protocols from a TLS ClientHello, so TLS-ALPN-01 validation connections can be told
// apart before the handshake starts (Node's SNICallback does not see ALPN).

/** What the ClientHello asked for; undefined fields were absent. */
export interface ClientHelloInfo {
  serverName: string | undefined;
  alpn: string[];
}

/** Bytes needed before parseClientHello can decide: the whole first record, or undefined if not yet known. */
export function clientHelloLength(data: Buffer): number | undefined {
  if (data.length < 5) return undefined;
  if (data[0] !== 0x16) return 0;
  return 5 + data.readUInt16BE(3);
}

/** Parse the first TLS record as a ClientHello; returns undefined for anything else or a truncated record. */
export function parseClientHello(data: Buffer): ClientHelloInfo | undefined {
  try {
    if (data[0] !== 0x16 || data.length < 9) return undefined;
    const end = Math.min(data.length, 5 + data.readUInt16BE(3));
    let pos = 5;
    if (data[pos] !== 0x01) return undefined;
    pos += 4; // handshake type + length
    pos += 2 + 32; // client version + random
    pos += 1 + data[pos]!; // session id
    pos += 2 + data.readUInt16BE(pos); // cipher suites
    pos += 1 + data[pos]!; // compression methods
    if (pos + 2 > end) return { serverName: undefined, alpn: [] };
    const extensionsEnd = Math.min(end, pos + 2 + data.readUInt16BE(pos));
    pos += 2;
    const info: ClientHelloInfo = { serverName: undefined, alpn: [] };
    while (pos + 4 <= extensionsEnd) {
      const type = data.readUInt16BE(pos);
      const length = data.readUInt16BE(pos + 2);
      const body = pos + 4;
      if (type === 0 && length >= 5) {
        const nameLength = data.readUInt16BE(body + 3);
        info.serverName = data.toString("latin1", body + 5, body + 5 + nameLength);
      } else if (type === 16 && length >= 2) {
        const listEnd = body + 2 + data.readUInt16BE(body);
        let p = body + 2;
        while (p < listEnd) {
          const len = data[p]!;
          info.alpn.push(data.toString("latin1", p + 1, p + 1 + len));
          p += 1 + len;
        }
      }
      pos = body + length;
    }
    return info;
  } catch {
    return undefined;
  }
}
