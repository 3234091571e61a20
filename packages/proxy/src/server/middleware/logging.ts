// Logging middleware: one JSON "Request" line per request (kamal-proxy's field names, nanosecond duration) plus the
// Prometheus request metrics, both written when the exchange ends.
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
    deps.logger.infoRendered("Request", renderAccessLog(ex, status, elapsedMs));
  }
}

/** Arrange for the exchange to be logged and measured by `log` when it ends (response closed, or tunnel closed). */
export function startAccessLog(ex: Exchange, log: AccessLog): void {
  ex.observer = log;
  // A bound function, not a closure per request (see exchange.ts).
  if (!ex.upgrade) ex.res.once("close", closeExchange.bind(undefined, ex));
}

/**
 * The access-log members rendered straight to JSON (same names and order as accessLogFields). Built by hand because
 * this runs once per request and JSON.stringify over a fresh object was the largest single cost on the hot path.
 */
export function renderAccessLog(ex: Exchange, status: number, elapsedMs: number): string {
  const headers = ex.req.headers;
  const forwardedFor = headerValue(ex, "x-forwarded-for");
  const contentLength = headers["content-length"];
  const clientAddr = normalizeIp(ex.clientAddr);
  const reqLength =
    contentLength !== undefined ? Number(contentLength) || 0 : headers["transfer-encoding"] !== undefined ? -1 : 0;
  let out =
    `"host":${str(ex.host)},"port":${ex.listenPort},"path":${str(ex.path)},"request_id":${str(ex.requestId)}` +
    `,"status":${status},"service":${str(ex.service)},"target":${str(ex.target)}` +
    `,"duration":${Math.round(elapsedMs * 1e6)},"method":${str(ex.method)},"req_content_length":${reqLength}` +
    `,"req_content_type":${str(headers["content-type"] ?? "")},"resp_content_length":${ex.respBytes}` +
    `,"resp_content_type":${str(ex.respContentType)},"client_addr":${str(clientAddr)},"client_port":${ex.clientPort}` +
    `,"remote_addr":${str(forwardedFor !== "" ? forwardedFor : clientAddr)},"user_agent":${str(headers["user-agent"] ?? "")}` +
    `,"proto":"${protoOf(ex)}","scheme":"${ex.secure ? "https" : "http"}","query":${str(ex.query)}`;
  for (const name of ex.logRequestHeaders) {
    out += `,${str(`req_${snake(name)}`)}:${str(headerValue(ex, name.toLowerCase()))}`;
  }
  for (const name of ex.logResponseHeaders) {
    out += `,${str(`resp_${snake(name)}`)}:${str(responseHeader(ex.responseHeaders, name.toLowerCase()))}`;
  }
  return out;
}

const PLAIN_JSON_STRING = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** A JSON string literal; the common all-printable-ASCII case skips JSON.stringify. */
function str(value: string): string {
  return PLAIN_JSON_STRING.test(value) ? `"${value}"` : JSON.stringify(value);
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
