// WebSocket (and other HTTP/1.1 Upgrade) tunnels: a raw TCP connection to the target, spliced to the client.
import { connect } from "node:net";
import { type Exchange, finishExchange } from "../exchange.js";
import { sendErrorPage } from "../middleware/error-page.js";
import type { InflightRequest, Target } from "../target.js";
import { buildUpstreamHeaders, single, upstreamPath } from "./headers.js";

/**
 * Upgrade requests (WebSockets): open a TCP connection to the target, replay the request head, then splice the two
 * sockets. The tunnel counts as a hijacked in-flight request, so a drain cuts it at once.
 */
export function tunnelUpgrade(ex: Exchange, target: Target): void {
  const client = ex.upgrade!.socket;
  const headers = buildUpstreamHeaders(ex, target.options.forwardHeaders);
  const upgradeValue = single(ex.req.headers.upgrade) ?? "websocket";
  let head = `${ex.method} ${upstreamPath(ex)} HTTP/1.1\r\n`;
  for (let i = 0; i < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`;
  head += `connection: Upgrade\r\nupgrade: ${upgradeValue}\r\n\r\n`;

  let connected = false;
  let closed = false;
  const upstream = connect({ host: target.hostname, port: target.port, lookup: target.resolver.lookupFunction });
  const inflight: InflightRequest = {
    hijacked: true,
    cancel: () => close(),
    inflightPrev: undefined,
    inflightNext: undefined,
    inflightList: undefined,
  };
  const close = () => {
    if (closed) return;
    closed = true;
    target.endRequest(inflight);
    upstream.destroy();
    client.destroy();
    finishExchange(ex);
  };
  if (!target.startRequest(inflight)) {
    upstream.destroy();
    sendErrorPage(ex, 503);
    return;
  }
  upstream.setNoDelay(true);
  upstream.once("connect", () => {
    connected = true;
    upstream.write(head);
    const rest = ex.upgrade!.head;
    if (rest.length > 0) upstream.write(rest);
    upstream.once("data", (chunk: Buffer) => {
      const match = /^HTTP\/\d\.\d (\d{3})/.exec(chunk.toString("latin1", 0, 16));
      ex.status = match ? Number(match[1]) : 502;
    });
    upstream.pipe(client);
    client.pipe(upstream);
  });
  upstream.once("error", (error) => {
    if (!connected && !closed) {
      closed = true;
      target.endRequest(inflight);
      target.logger.error("Error while proxying", { target: target.address, path: ex.path, error: error.message });
      sendErrorPage(ex, 502);
      return;
    }
    close();
  });
  // The target finishing is propagated by pipe() (flushing first); the client finishing ends the tunnel at once
  // (server sockets allow half-open connections, so its "end" arrives without a "close").
  upstream.once("close", close);
  client.once("close", close);
  client.once("end", close);
  client.once("error", close);
}
