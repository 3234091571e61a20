// HTTP/1.1 head parsers for the lean path: request heads from clients, response heads from targets.
//
// Written by hand: no well-kept library parses HTTP/1.1 heads in place for a zero-copy proxy path in Node.
// node:http's parser is llhttp behind IncomingMessage/ServerResponse streams, and that machinery (with undici on
// the target side) is most of dhow-proxy's CPU per request (see bench/README.md). These parsers accept a strict
// subset of HTTP/1.1 and say, for anything outside it, whether it is malformed (400/431, as llhttp would answer)
// or merely unusual (`fallback`: the connection goes to node:http, which decides as before).
import { METHODS } from "node:http";

/** A parsed request head. `headers` follows node:http's IncomingMessage rules (lowercase names, joined values). */
export interface RequestHead {
  readonly method: string;
  /** The request target as sent (origin-form). */
  readonly url: string;
  readonly headers: Record<string, string | string[]>;
  /** Offset just past the blank line ending the head. */
  readonly headEnd: number;
  /** Body length: n >= 0 for Content-Length (0 when absent), CHUNKED for Transfer-Encoding: chunked. */
  readonly bodyLength: number;
  /** False when the client sent Connection: close. */
  readonly keepAlive: boolean;
  /** Expect: 100-continue. */
  readonly expectContinue: boolean;
}

/** A parsed response head. `headers` is the flat list of (name as sent, value) pairs. */
export interface ResponseHead {
  readonly status: number;
  readonly headers: string[];
  readonly headEnd: number;
  /** n >= 0 for Content-Length, CHUNKED, UNTIL_CLOSE (no framing), or 0 for bodiless answers. */
  readonly bodyLength: number;
  /** False for HTTP/1.0 answers and Connection: close. */
  readonly keepAlive: boolean;
}

/** Malformed input: the status to answer (400, or 431 for a head over the size limit). */
export interface HeadError {
  readonly error: 400 | 431;
  readonly reason: string;
}

/** Well-formed but outside what the lean path serves (upgrades, HTTP/1.0, absolute-form, obs-fold, …). */
export interface HeadFallback {
  readonly fallback: string;
}

export const CHUNKED = -1;
export const UNTIL_CLOSE = -2;

/** Most header lines the lean path takes (node:http keeps 2000; more goes to node:http). */
const MAX_HEADER_LINES = 2000;

const CR = 13;
const LF = 10;
const SP = 32;
const HTAB = 9;
const COLON = 58;
const CRLFCRLF = Buffer.from("\r\n\r\n");

const KNOWN_METHODS = new Set(METHODS);

/** tchar (RFC 9110 §5.6.2). */
const TOKEN = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~") TOKEN[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) TOKEN[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TOKEN[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) TOKEN[c] = 1;

/** Request-target bytes the lean path takes: unreserved, reserved and "%". Other printable bytes go to node:http. */
const TARGET = new Uint8Array(256);
for (let c = 0x30; c <= 0x39; c++) TARGET[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TARGET[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) TARGET[c] = 1;
for (const c of "-._~:/?#[]@!$&'()*+,;=%") TARGET[c.charCodeAt(0)] = 1;

/** How repeated request headers combine, as node:http's IncomingMessage does (first wins, ", ", "; ", array). */
const FIRST_WINS = new Set([
  "age",
  "authorization",
  "content-length",
  "content-type",
  "etag",
  "expires",
  "from",
  "host",
  "if-modified-since",
  "if-unmodified-since",
  "last-modified",
  "location",
  "max-forwards",
  "proxy-authorization",
  "referer",
  "retry-after",
  "server",
  "user-agent",
]);

const CONTINUE_EXPRESSION = /(?:^|\W)100-continue(?:$|\W)/i;

/** Add one header to a node-style headers object. */
export function addHeader(dest: Record<string, string | string[]>, name: string, value: string): void {
  const existing = dest[name];
  if (name === "set-cookie") {
    if (Array.isArray(existing)) existing.push(value);
    else dest[name] = [value];
    return;
  }
  if (typeof existing !== "string") {
    dest[name] = value;
    return;
  }
  if (FIRST_WINS.has(name)) return;
  dest[name] = existing + (name === "cookie" ? "; " : ", ") + value;
}

/** Bytes as a latin1 string, as llhttp hands them to node:http (Buffer#latin1Slice skips toString's checks). */
function latin1(buf: Buffer, start: number, end: number): string {
  return (buf as unknown as { latin1Slice(start: number, end: number): string }).latin1Slice(start, end);
}

function fail(error: 400 | 431, reason: string): HeadError {
  return { error, reason };
}

/**
 * Parse the request head starting at `start` (leading blank lines skipped). Undefined: incomplete, read more.
 */
export function parseRequestHead(
  buf: Buffer,
  start: number,
  maxHeadBytes: number,
): RequestHead | HeadError | HeadFallback | undefined {
  let pos = start;
  while (pos + 1 < buf.length && buf[pos] === CR && buf[pos + 1] === LF) pos += 2;
  const end = buf.indexOf(CRLFCRLF, pos);
  if (end === -1) {
    if (buf.length - pos > maxHeadBytes) return fail(431, "head too large");
    // A head ended by bare line feeds never completes: llhttp (strict) refuses those.
    if (buf.indexOf("\n\n", pos) !== -1 || buf.indexOf("\n\r\n", pos) !== -1) return fail(400, "bare LF");
    return undefined;
  }
  if (end - pos > maxHeadBytes) return fail(431, "head too large");
  // The head's text is copied out of the buffer once (through its last line's CRLF); the scanning below reads bytes
  // and every string is a slice of that text: no native Buffer call per line or per field. A CRLFCRLF at `end`
  // bounds every scan.
  const base = pos;
  const text = latin1(buf, pos, end + 2);

  // Request line: method SP request-target SP HTTP/1.1
  let i = pos;
  while (TOKEN[buf[i]!] === 1) i++;
  if (i === pos || buf[i] !== SP) return fail(400, "invalid method");
  const method =
    i - pos === 3 && buf[pos] === 0x47 && buf[pos + 1] === 0x45 && buf[pos + 2] === 0x54
      ? "GET"
      : text.slice(0, i - pos);
  if (!KNOWN_METHODS.has(method)) return fail(400, "unknown method");
  if (method === "CONNECT") return { fallback: "CONNECT" };
  const targetStart = i + 1;
  i = targetStart;
  let unusual = false;
  for (; ; i++) {
    const c = buf[i]!;
    if (TARGET[c] === 1) continue;
    if (c === SP) break;
    if (c === CR && buf[i + 1] === LF) return fail(400, "invalid request line");
    if (c < 0x21 || c === 0x7f) return fail(400, "invalid request target");
    unusual = true;
  }
  if (i === targetStart) return fail(400, "invalid request line");
  if (
    buf[i + 1] !== 0x48 /* H */ ||
    buf[i + 2] !== 0x54 ||
    buf[i + 3] !== 0x54 ||
    buf[i + 4] !== 0x50 ||
    buf[i + 5] !== 0x2f /* / */ ||
    buf[i + 7] !== 0x2e /* . */ ||
    buf[i + 9] !== CR ||
    buf[i + 10] !== LF
  ) {
    return fail(400, "invalid HTTP version");
  }
  const major = buf[i + 6]! - 0x30;
  const minor = buf[i + 8]! - 0x30;
  if (major < 0 || major > 9 || minor < 0 || minor > 9) return fail(400, "invalid HTTP version");
  if (major !== 1 || minor !== 1) return { fallback: `HTTP/${major}.${minor}` };
  if (buf[targetStart] !== 0x2f /* "/" */) return { fallback: "request target not in origin form" };
  if (unusual) return { fallback: "unusual request target bytes" };
  const url = text.slice(targetStart - base, i - base);

  // Header lines
  const headers: Record<string, string | string[]> = {};
  let bodyLength = 0;
  let sawLength = false;
  let chunked = false;
  let keepAlive = true;
  let expectContinue = false;
  let hasHost = false;
  let lines = 0;
  pos = i + 11;
  while (pos < end + 2) {
    const first = buf[pos]!;
    if (first === SP || first === HTAB) return { fallback: "obsolete line folding" };
    if (++lines > MAX_HEADER_LINES) return { fallback: "too many header lines" };
    const field = headerField(buf, text, base, pos);
    if (typeof field === "string") return fail(400, field);
    const name = field.name.toLowerCase();
    const value = field.value;
    pos = field.next;
    switch (name) {
      case "content-length":
        bodyLength = decimal(value);
        if (sawLength || bodyLength < 0) return fail(400, "invalid Content-Length");
        sawLength = true;
        break;
      case "transfer-encoding":
        if (chunked || value.toLowerCase() !== "chunked") return { fallback: "transfer coding other than chunked" };
        chunked = true;
        break;
      case "connection": {
        const lower = value.toLowerCase();
        if (lower.includes("upgrade")) return { fallback: "upgrade" };
        if (lower.includes("close") && /(^|[\s,])close($|[\s,])/.test(lower)) keepAlive = false;
        break;
      }
      case "upgrade":
        return { fallback: "upgrade" };
      case "expect":
        if (!CONTINUE_EXPRESSION.test(value)) return { fallback: "expectation other than 100-continue" };
        expectContinue = true;
        break;
      case "host":
        hasHost = true;
        break;
    }
    addHeader(headers, name, value);
  }
  if (chunked && sawLength) return fail(400, "Content-Length with Transfer-Encoding");
  if (!hasHost) return { fallback: "no Host header" };
  return {
    method,
    url,
    headers,
    headEnd: end + 4,
    bodyLength: chunked ? CHUNKED : bodyLength,
    keepAlive,
    expectContinue,
  };
}

/**
 * Parse a target's response head at `start`. Undefined: incomplete. `requestMethod` decides bodiless answers (HEAD).
 */
export function parseResponseHead(
  buf: Buffer,
  start: number,
  maxHeadBytes: number,
  requestMethod: string,
): ResponseHead | HeadError | undefined {
  const end = buf.indexOf(CRLFCRLF, start);
  if (end === -1) {
    if (buf.length - start > maxHeadBytes) return fail(431, "response head too large");
    if (buf.indexOf("\n\n", start) !== -1 || buf.indexOf("\n\r\n", start) !== -1) return fail(400, "bare LF");
    return undefined;
  }
  if (end - start > maxHeadBytes) return fail(431, "response head too large");
  // One copy of the head's text, as in parseRequestHead.
  const text = latin1(buf, start, end + 2);
  // HTTP/1.x SP 3DIGIT [SP reason]
  if (
    buf[start] !== 0x48 /* H */ ||
    buf[start + 1] !== 0x54 ||
    buf[start + 2] !== 0x54 ||
    buf[start + 3] !== 0x50 ||
    buf[start + 4] !== 0x2f /* / */ ||
    buf[start + 5] !== 0x31 /* 1 */ ||
    buf[start + 6] !== 0x2e /* . */ ||
    buf[start + 8] !== SP
  ) {
    return fail(400, "invalid status line");
  }
  const minor = buf[start + 7]!;
  if (minor !== 0x30 && minor !== 0x31) return fail(400, "invalid status line");
  const d0 = buf[start + 9]! - 0x30;
  const d1 = buf[start + 10]! - 0x30;
  const d2 = buf[start + 11]! - 0x30;
  if (d0 < 1 || d0 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return fail(400, "invalid status code");
  const status = d0 * 100 + d1 * 10 + d2;
  // The status line's end: right after the code, or after SP and a reason phrase (taken as it is).
  let lineEnd = start + 12;
  if (buf[lineEnd] !== CR || buf[lineEnd + 1] !== LF) {
    if (buf[lineEnd] !== SP) return fail(400, "invalid status line");
    while (buf[lineEnd] !== CR || buf[lineEnd + 1] !== LF) lineEnd++;
  }
  let keepAlive = minor === 0x31;
  const headers: string[] = [];
  let length = -1;
  let chunked = false;
  let pos = lineEnd + 2;
  while (pos < end + 2) {
    const field = headerField(buf, text, start, pos);
    if (typeof field === "string") return fail(400, field);
    const { name, value } = field;
    pos = field.next;
    switch (name.length) {
      case 10:
        // The spellings targets send skip lowercasing (and a plain keep-alive the regex).
        if (name === "Connection" || name === "connection" || name.toLowerCase() === "connection") {
          if (value === "keep-alive") {
            if (minor === 0x30) keepAlive = true;
            break;
          }
          const lower = value.toLowerCase();
          if (/(^|[\s,])close($|[\s,])/.test(lower)) keepAlive = false;
          else if (minor === 0x30 && lower.includes("keep-alive")) keepAlive = true;
        }
        break;
      case 14:
        if (name === "Content-Length" || name === "content-length" || name.toLowerCase() === "content-length") {
          if (length !== -1) return fail(400, "invalid Content-Length");
          length = decimal(value);
          if (length < 0) return fail(400, "invalid Content-Length");
        }
        break;
      case 17:
        if (name.toLowerCase() === "transfer-encoding") {
          if (!/(^|,)\s*chunked\s*$/i.test(value)) return fail(400, "transfer coding other than chunked");
          chunked = true;
        }
        break;
    }
    headers.push(name, value);
  }
  if (chunked && length !== -1) return fail(400, "Content-Length with Transfer-Encoding");
  let bodyLength: number;
  if (requestMethod === "HEAD" || status === 204 || status === 304 || status < 200) bodyLength = 0;
  else if (chunked) bodyLength = CHUNKED;
  else if (length >= 0) bodyLength = length;
  else {
    bodyLength = UNTIL_CLOSE;
    keepAlive = false;
  }
  return { status, headers, headEnd: end + 4, bodyLength, keepAlive };
}

/** A Content-Length value (1 to 15 digits) as a number, or -1. */
function decimal(value: string): number {
  const n = value.length;
  if (n === 0 || n > 15) return -1;
  let result = 0;
  for (let i = 0; i < n; i++) {
    const digit = value.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    result = result * 10 + digit;
  }
  return result;
}

/** A header line: name and value (without surrounding SP/HTAB) as slices of the head's text, and where the next line starts. */
interface HeaderField {
  readonly name: string;
  readonly value: string;
  readonly next: number;
}

/**
 * The header line at `pos` in `buf`; `text` is the head's latin1 text from `base`. What is wrong with it, when it is
 * malformed. The caller guarantees a CRLFCRLF ahead, which ends every loop here.
 */
function headerField(
  buf: Buffer,
  text: string,
  base: number,
  pos: number,
): HeaderField | "invalid header name" | "invalid header value" {
  let j = pos;
  while (TOKEN[buf[j]!] === 1) j++;
  if (j === pos || buf[j] !== COLON) return "invalid header name";
  const colon = j;
  let c = buf[++j]!;
  while (c === SP || c === HTAB) c = buf[++j]!;
  const valueStart = j;
  let valueEnd = j;
  for (; ; c = buf[++j]!) {
    if (c === SP || c === HTAB) continue;
    if (c < 0x20 || c === 0x7f) break;
    valueEnd = j + 1;
  }
  if (c !== CR || buf[j + 1] !== LF) return "invalid header value";
  return {
    name: text.slice(pos - base, colon - base),
    value: text.slice(valueStart - base, valueEnd - base),
    next: j + 2,
  };
}
