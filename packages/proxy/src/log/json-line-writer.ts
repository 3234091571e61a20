// JSON log lines written straight into one growing byte buffer.
//
// Written by hand: the access log writes one line per request, and building it as a JS string (some forty
// concatenations, a flatten when the batch is joined, then a UTF-8 copy for the write) made a third of the proxy's
// allocations per request and showed as the largest user-space cost in its profile (bench/README.md). Here the keys
// are bytes encoded once, plain strings are copied a byte at a time, and only strings that need escaping or are not
// ASCII go through JSON.stringify.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const INITIAL_BYTES = 64 * 1024;

/** Text that will be written many times (keys, punctuation), encoded once. */
export function jsonBytes(text: string): Uint8Array {
  return Buffer.from(text, "utf8");
}

/** A byte buffer that JSON lines are appended to. */
export class JsonLineWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(private readonly initialBytes = INITIAL_BYTES) {
    this.buf = Buffer.allocUnsafeSlow(initialBytes);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.pos;
  }

  /** Pre-encoded bytes (see jsonBytes). */
  bytes(bytes: Uint8Array): this {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
    return this;
  }

  /** One ASCII character, by its code. */
  byte(code: number): this {
    this.reserve(1);
    this.buf[this.pos++] = code;
    return this;
  }

  /** `value` as a JSON string literal, exactly as JSON.stringify writes it. */
  string(value: string): this {
    const n = value.length;
    this.reserve(n + 2);
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = QUOTE;
    for (let i = 0; i < n; i++) {
      const c = value.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === QUOTE || c === BACKSLASH) {
        // Escapes, or UTF-8 beyond ASCII: JSON.stringify decides, from the start of this literal.
        return this.text(JSON.stringify(value));
      }
      buf[p++] = c;
    }
    buf[p++] = QUOTE;
    this.pos = p;
    return this;
  }

  /** `value` as a JSON number, exactly as JSON.stringify writes it (null for NaN and infinities). */
  number(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) return this.text(JSON.stringify(value));
    let digits = 1;
    for (let v = value; v >= 10; v = (v - (v % 10)) / 10) digits++;
    this.reserve(digits);
    const buf = this.buf;
    let p = this.pos + digits;
    this.pos = p;
    let v = value;
    do {
      const digit = v % 10;
      buf[--p] = 0x30 + digit;
      v = (v - digit) / 10;
    } while (v > 0);
    return this;
  }

  /** Text appended as UTF-8, as it is (JSON already, or a whole rendered line). */
  text(text: string): this {
    this.reserve(text.length * 3);
    this.pos += this.buf.write(text, this.pos, "utf8");
    return this;
  }

  /** What was written from `start` on, as a string. */
  toString(start = 0): string {
    return this.buf.toString("utf8", start, this.pos);
  }

  /** What was written, as a view of the buffer (valid until the next write or truncate). */
  view(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** Start over, empty, in the same buffer. */
  truncate(): void {
    this.pos = 0;
  }

  /** Start over in a new buffer: the old one now belongs to whoever was given view(). */
  detach(): void {
    this.buf = Buffer.allocUnsafeSlow(this.initialBytes);
    this.pos = 0;
  }

  private reserve(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }
}
