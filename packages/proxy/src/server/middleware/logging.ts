// Logging middleware: one JSON "Request" line per request (kamal-proxy's field names, nanosecond duration) plus the
// Prometheus request metrics, both written when the exchange ends.
import { type JsonLineWriter, jsonBytes } from "../../log/json-line-writer.js";
import type { Logger } from "../../log/logger.js";
import type { Metrics } from "../../metrics/metrics.js";
import {
  closeExchange,
  type Exchange,
  type ExchangeObserver,
  headerValue,
  protoOf,
  STATUS_CLIENT_CLOSED_REQUEST,
} from "../exchange.js";
import { normalizeIp } from "./forwarded-headers.js";

export interface AccessLogDeps {
  logger: Logger;
  metrics: Metrics;
}

/** Logs and measures exchanges as they end; one per server, shared by all its exchanges. */
export class AccessLog implements ExchangeObserver {
  constructor(private readonly deps: AccessLogDeps) {}

  exchangeDone(ex: Exchange): void {
    const deps = this.deps;
    if (ex.countedInflight) deps.metrics.subtractInflight(ex.service);
    const status = finalStatus(ex);
    const elapsedMs = performance.now() - ex.startedAt;
    if (!ex.excludeMetrics) deps.metrics.observeRequest(ex.service, ex.method, status, elapsedMs / 1000);
    const out = deps.logger.beginInfo("Request");
    writeAccessLog(out, ex, status, elapsedMs);
    deps.logger.endLine();
  }
}

/** Arrange for the exchange to be logged and measured by `log` when it ends (response closed, or tunnel closed). */
export function startAccessLog(ex: Exchange, log: AccessLog): void {
  ex.observer = log;
  // A bound function, not a closure per request (see exchange.ts).
  if (!ex.upgrade) ex.res.once("close", closeExchange.bind(undefined, ex));
}

const K_HOST = jsonBytes(',"host":');
const K_PORT = jsonBytes(',"port":');
const K_PATH = jsonBytes(',"path":');
const K_REQUEST_ID = jsonBytes(',"request_id":');
const K_STATUS = jsonBytes(',"status":');
const K_SERVICE = jsonBytes(',"service":');
const K_TARGET = jsonBytes(',"target":');
const K_DURATION = jsonBytes(',"duration":');
const K_METHOD = jsonBytes(',"method":');
const K_REQ_CONTENT_LENGTH = jsonBytes(',"req_content_length":');
const K_REQ_CONTENT_TYPE = jsonBytes(',"req_content_type":');
const K_RESP_CONTENT_LENGTH = jsonBytes(',"resp_content_length":');
const K_RESP_CONTENT_TYPE = jsonBytes(',"resp_content_type":');
const K_CLIENT_ADDR = jsonBytes(',"client_addr":');
const K_CLIENT_PORT = jsonBytes(',"client_port":');
const K_REMOTE_ADDR = jsonBytes(',"remote_addr":');
const K_USER_AGENT = jsonBytes(',"user_agent":');
const K_PROTO = jsonBytes(',"proto":');
const K_SCHEME_HTTP = jsonBytes(',"scheme":"http"');
const K_SCHEME_HTTPS = jsonBytes(',"scheme":"https"');
const K_QUERY = jsonBytes(',"query":');
const COMMA = 0x2c;
const COLON = 0x3a;

/**
 * The access-log members written straight to the log's bytes (same names and order as accessLogFields), each as
 * `,"name":value`. By hand because this runs once per request (see json-line-writer.ts).
 */
export function writeAccessLog(out: JsonLineWriter, ex: Exchange, status: number, elapsedMs: number): void {
  const headers = ex.req.headers;
  const forwardedFor = headerValue(ex, "x-forwarded-for");
  const contentLength = headers["content-length"];
  const clientAddr = normalizeIp(ex.clientAddr);
  out.bytes(K_HOST).string(ex.host);
  out.bytes(K_PORT).number(ex.listenPort);
  out.bytes(K_PATH).string(ex.path);
  out.bytes(K_REQUEST_ID).string(ex.requestId);
  out.bytes(K_STATUS).number(status);
  out.bytes(K_SERVICE).string(ex.service);
  out.bytes(K_TARGET).string(ex.target);
  out.bytes(K_DURATION).number(Math.round(elapsedMs * 1e6));
  out.bytes(K_METHOD).string(ex.method);
  const reqLength =
    contentLength !== undefined ? Number(contentLength) || 0 : headers["transfer-encoding"] !== undefined ? -1 : 0;
  out.bytes(K_REQ_CONTENT_LENGTH).number(reqLength);
  out.bytes(K_REQ_CONTENT_TYPE).string(headers["content-type"] ?? "");
  out.bytes(K_RESP_CONTENT_LENGTH).number(ex.respBytes);
  out.bytes(K_RESP_CONTENT_TYPE).string(ex.respContentType);
  out.bytes(K_CLIENT_ADDR).string(clientAddr);
  out.bytes(K_CLIENT_PORT).number(ex.clientPort);
  out.bytes(K_REMOTE_ADDR).string(forwardedFor !== "" ? forwardedFor : clientAddr);
  out.bytes(K_USER_AGENT).string(headers["user-agent"] ?? "");
  out.bytes(K_PROTO).string(protoOf(ex));
  out.bytes(ex.secure ? K_SCHEME_HTTPS : K_SCHEME_HTTP);
  out.bytes(K_QUERY).string(ex.query);
  for (const name of ex.logRequestHeaders) {
    out
      .byte(COMMA)
      .string(`req_${snake(name)}`)
      .byte(COLON)
      .string(headerValue(ex, name.toLowerCase()));
  }
  for (const name of ex.logResponseHeaders) {
    out
      .byte(COMMA)
      .string(`resp_${snake(name)}`)
      .byte(COLON)
      .string(responseHeader(ex.responseHeaders, name.toLowerCase()));
  }
}

/** The access-log fields for a finished exchange, in kamal-proxy's order and names. */
export function accessLogFields(ex: Exchange, status: number, elapsedMs: number): Record<string, unknown> {
  const headers = ex.req.headers;
  const forwardedFor = headerValue(ex, "x-forwarded-for");
  const contentLength = headers["content-length"];
  const fields: Record<string, unknown> = {
    host: ex.host,
    port: ex.listenPort,
    path: ex.path,
    request_id: ex.requestId,
    status,
    service: ex.service,
    target: ex.target,
    duration: Math.round(elapsedMs * 1e6),
    method: ex.method,
    req_content_length:
      contentLength !== undefined ? Number(contentLength) : headers["transfer-encoding"] !== undefined ? -1 : 0,
    req_content_type: headers["content-type"] ?? "",
    resp_content_length: ex.respBytes,
    resp_content_type: ex.respContentType,
    client_addr: normalizeIp(ex.clientAddr),
    client_port: ex.clientPort,
    remote_addr: forwardedFor !== "" ? forwardedFor : normalizeIp(ex.clientAddr),
    user_agent: headers["user-agent"] ?? "",
    proto: protoOf(ex),
    scheme: ex.secure ? "https" : "http",
    query: ex.query,
  };
  for (const name of ex.logRequestHeaders) {
    fields[`req_${snake(name)}`] = headerValue(ex, name.toLowerCase());
  }
  for (const name of ex.logResponseHeaders) {
    fields[`resp_${snake(name)}`] = responseHeader(ex.responseHeaders, name.toLowerCase());
  }
  return fields;
}

function finalStatus(ex: Exchange): number {
  if (ex.upgrade) return ex.status || STATUS_CLIENT_CLOSED_REQUEST;
  if (ex.status === STATUS_CLIENT_CLOSED_REQUEST || !ex.res.headersSent) return STATUS_CLIENT_CLOSED_REQUEST;
  return ex.status || ex.res.statusCode;
}

function snake(header: string): string {
  return header.toLowerCase().replace(/-/g, "_");
}

function responseHeader(headers: string[] | undefined, name: string): string {
  if (!headers) return "";
  const values: string[] = [];
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i]!.toLowerCase() === name) values.push(headers[i + 1]!);
  }
  return values.join(",");
}
