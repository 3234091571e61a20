// A strict decoder for HTTP/1.1 chunked bodies (RFC 9112 §7.1), used by the lean path in both directions: chunk
// data is handed out as views of the input (no copy); extensions and trailers are read and dropped, as node:http and
// undici drop them. Written by hand for the same reason as head-parser.ts.

const CR = 13;
const LF = 10;

const SIZE = 0;
const SIZE_EXT = 1;
const SIZE_LF = 2;
const DATA = 3;
const DATA_CR = 4;
const DATA_LF = 5;
const TRAILER_START = 6;
const TRAILER_LINE = 7;
const TRAILER_LF = 8;
const END_LF = 9;
const DONE = 10;

/** Thrown on malformed chunked framing. */
export class ChunkedFramingError extends Error {
  override name = "ChunkedFramingError";
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** Feed bytes in order; `onData` gets each piece of chunk data; `done` turns true after the last chunk and trailers. */
export class ChunkedDecoder {
  private state = SIZE;
  private size = 0;
  private digits = 0;
  private remaining = 0;

  get done(): boolean {
    return this.state === DONE;
  }

  /**
   * Decode `buf[start..end)`; returns how many bytes were consumed (less than offered only once done: what follows
   * belongs to the next message). Throws ChunkedFramingError on malformed framing.
   */
  feed(buf: Buffer, start: number, end: number, onData: (data: Buffer) => void): number {
    let i = start;
    while (i < end) {
      switch (this.state) {
        case SIZE: {
          const c = buf[i]!;
          const v = hexValue(c);
          if (v >= 0) {
            if (++this.digits > 12) throw new ChunkedFramingError("chunk size too large");
            this.size = this.size * 16 + v;
            i++;
            break;
          }
          if (this.digits === 0) throw new ChunkedFramingError("invalid chunk size");
          if (c === CR) this.state = SIZE_LF;
          else if (c === 0x3b /* ; */ || c === 0x20 || c === 0x09) this.state = SIZE_EXT;
          else throw new ChunkedFramingError("invalid chunk size");
          i++;
          break;
        }
        case SIZE_EXT: {
          const c = buf[i++]!;
          if (c === CR) this.state = SIZE_LF;
          else if ((c < 0x20 && c !== 0x09) || c === 0x7f) throw new ChunkedFramingError("invalid chunk extension");
          break;
        }
        case SIZE_LF:
          if (buf[i++] !== LF) throw new ChunkedFramingError("expected LF after chunk size");
          this.digits = 0;
          if (this.size === 0) {
            this.state = TRAILER_START;
          } else {
            this.remaining = this.size;
            this.state = DATA;
          }
          this.size = 0;
          break;
        case DATA: {
          const take = Math.min(this.remaining, end - i);
          onData(buf.subarray(i, i + take));
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = DATA_CR;
          break;
        }
        case DATA_CR:
          if (buf[i++] !== CR) throw new ChunkedFramingError("expected CRLF after chunk data");
          this.state = DATA_LF;
          break;
        case DATA_LF:
          if (buf[i++] !== LF) throw new ChunkedFramingError("expected CRLF after chunk data");
          this.state = SIZE;
          break;
        case TRAILER_START: {
          const c = buf[i++]!;
          if (c === CR) this.state = END_LF;
          else if (c === LF) throw new ChunkedFramingError("bare LF in trailers");
          else this.state = TRAILER_LINE;
          break;
        }
        case TRAILER_LINE: {
          const c = buf[i++]!;
          if (c === CR) this.state = TRAILER_LF;
          else if (c === LF) throw new ChunkedFramingError("bare LF in trailers");
          break;
        }
        case TRAILER_LF:
          if (buf[i++] !== LF) throw new ChunkedFramingError("expected LF in trailers");
          this.state = TRAILER_START;
          break;
        case END_LF:
          if (buf[i++] !== LF) throw new ChunkedFramingError("expected LF after last chunk");
          this.state = DONE;
          return i - start;
        default:
          return i - start;
      }
    }
    return i - start;
  }
}

/** The chunked framing of one piece of data (size line, data, CRLF), for writing. */
export function chunkHeader(length: number): string {
  return `${length.toString(16)}\r\n`;
}

export const LAST_CHUNK = "0\r\n\r\n";
