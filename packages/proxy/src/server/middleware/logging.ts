// Logging middleware: one JSON "Request" line per request (kamal-proxy's field names, nanosecond duration) plus the
// Prometheus request metrics, both written when the exchange ends.
import type { Logger } from "../../log/logger.js";
import type { Metrics } from "../../metrics/metrics.js";
import { type Exchange, finishExchange, headerValue, protoOf } from "../exchange.js";
import { STATUS_CLIENT_CLOSED_REQUEST } from "../upstream.js";
import { normalizeIp } from "./forwarded-headers.js";

export interface AccessLogDeps {
  logger: Logger;
  metrics: Metrics;
}

/** Arrange for the exchange to be logged and measured when it ends (response closed, or tunnel closed). */
export function startAccessLog(ex: Exchange, deps: AccessLogDeps): void {
  ex.onDone = () => {
    if (ex.countedInflight) deps.metrics.subtractInflight(ex.service);
    const status = finalStatus(ex);
    const elapsedMs = performance.now() - ex.startedAt;
    if (!ex.excludeMetrics) deps.metrics.observeRequest(ex.service, ex.method, status, elapsedMs / 1000);
    deps.logger.info("Request", accessLogFields(ex, status, elapsedMs));
  };
  if (!ex.upgrade) ex.res.once("close", () => finishExchange(ex));
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
