// The request side: forward an exchange to a target over its keep-alive undici pool (lean-path requests: the lean pool). Small bodies are
// read whole first, bigger ones streamed or (with --buffer-requests) buffered; upgrades go to the tunnel.
import type { Readable } from "node:stream";
import type { Exchange } from "../exchange.js";
import { STATUS_CLIENT_CLOSED_REQUEST } from "../exchange.js";
import { LeanRequest } from "../lean/lean-exchange.js";
import { sendErrorPage } from "../middleware/error-page.js";
import { bufferRequest } from "../middleware/request-buffer.js";
import type { Target } from "../target.js";
import { buildUpstreamHeaders } from "./headers.js";
import { sendLeanToTarget } from "./lean-upstream.js";
import { ProxyHandler } from "./response.js";
import { tunnelUpgrade } from "./tunnel.js";

/** Send the exchange to `target`: WebSocket tunnel, buffered request, or straight streaming proxy. */
export function sendToTarget(ex: Exchange, target: Target): void {
  if (ex.upgrade) {
    tunnelUpgrade(ex, target);
    return;
  }
  const req = ex.req;
  if (req instanceof LeanRequest) {
    // Lean-path requests (see lean/lean-server.ts) go over the lean pool. Services that buffer were sent to
    // node:http at routing; a redeploy that turns buffering on while such a request is held by a pause is served
    // unbuffered.
    sendLeanToTarget(ex, target, req, req.connection);
    return;
  }
  const options = target.options;
  const headers = buildUpstreamHeaders(ex, options.forwardHeaders);
  const handler = new ProxyHandler(ex, target);
  if (!target.startRequest(handler)) {
    sendErrorPage(ex, 503);
    return;
  }
  ex.upstream = handler;
  if (!hasRequestBody(ex)) {
    handler.dispatch(headers, null);
    return;
  }
  // Small bodies of known length are read whole first (usually they came in with the head), then sent in one
  // write: streaming them through undici costs an extra round of events and a separate TCP segment.
  const declared = contentLength(ex);
  const max = options.bufferRequests ? options.maxRequestBodySize : 0;
  if (declared >= 0 && declared <= SMALL_BODY_BYTES && (max === 0 || declared <= max)) {
    collectSmallBody(ex, handler, headers, declared);
    return;
  }
  if (!options.bufferRequests) {
    handler.dispatch(headers, ex.req as Readable);
    return;
  }
  bufferRequestThenDispatch(ex, handler, headers);
}

/** Bodies up to this size with a Content-Length are collected in memory before dispatch. */
const SMALL_BODY_BYTES = 64 * 1024;

function contentLength(ex: Exchange): number {
  const value = ex.req.headers["content-length"];
  if (value === undefined || ex.req.headers["transfer-encoding"] !== undefined) return -1;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? n : -1;
}

function collectSmallBody(ex: Exchange, handler: ProxyHandler, headers: string[], expected: number): void {
  const req = ex.req as Readable;
  const chunks: Buffer[] = [];
  let received = 0;
  const onData = (chunk: Buffer) => {
    chunks.push(chunk);
    received += chunk.length;
  };
  const onEnd = () => {
    req.removeListener("data", onData);
    req.removeListener("error", onError);
    if (handler.finished) return;
    if (received !== expected) {
      handler.failBeforeDispatch(400);
      return;
    }
    handler.dispatch(headers, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received));
  };
  const onError = () => {
    req.removeListener("data", onData);
    req.removeListener("end", onEnd);
    handler.failBeforeDispatch(ex.res.destroyed ? STATUS_CLIENT_CLOSED_REQUEST : 400);
  };
  req.on("data", onData);
  req.once("end", onEnd);
  req.once("error", onError);
}

function hasRequestBody(ex: Exchange): boolean {
  const req = ex.req;
  if (ex.http2) return !(req as { stream?: { endAfterHeaders?: boolean } }).stream?.endAfterHeaders;
  const headers = req.headers;
  if (headers["transfer-encoding"] !== undefined) return true;
  const length = headers["content-length"];
  return length !== undefined && length !== "0";
}

function bufferRequestThenDispatch(ex: Exchange, handler: ProxyHandler, headers: string[]): void {
  const options = handler.target.options;
  bufferRequest(ex, { maxMemory: options.maxMemoryBufferSize, maxBytes: options.maxRequestBodySize }, (buffer) => {
    handler.requestBuffer = buffer;
  }).then((result) => {
    if ("status" in result) {
      handler.failBeforeDispatch(ex.res.destroyed ? STATUS_CLIENT_CLOSED_REQUEST : result.status);
      return;
    }
    if (handler.finished) {
      result.dispose();
      return;
    }
    handler.dispatch(withContentLength(headers, result.length), result.body);
  });
}

function withContentLength(headers: string[], length: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i] !== "content-length") out.push(headers[i]!, headers[i + 1]!);
  }
  out.push("content-length", String(length));
  return out;
}
