// The request pipeline (kamal-proxy's server.go composition). Order, outermost first: request start → request id →
// logging/metrics → router (404 when nothing matches) → service middleware (see Service.serve).
import type { IncomingMessage, ServerResponse } from "node:http";
import { ServerResponse as NodeServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import type { Duplex } from "node:stream";
import type { Logger } from "../log/logger.js";
import type { Metrics } from "../metrics/metrics.js";
import { createExchange, type Exchange, finishExchange } from "./exchange.js";
import { sendErrorPage } from "./middleware/error-page.js";
import { type AccessLog, startAccessLog } from "./middleware/logging.js";
import { applyRequestId } from "./middleware/request-id.js";
import { applyRequestStart } from "./middleware/request-start.js";
import type { Router } from "./router.js";

/** What the pipeline needs; `ports` is read per request so ephemeral ports resolve after listen. */
export interface PipelineDeps {
  router: Router;
  logger: Logger;
  metrics: Metrics;
  ports: { http: number; https: number };
  /** Logs and measures every exchange as it ends (one for the server, built with it). */
  accessLog: AccessLog;
}

/** The 'request' listener for the HTTP (secure=false) or HTTPS (secure=true) server. */
export function createRequestListener(
  deps: PipelineDeps,
  secure: boolean,
): (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse) => void {
  return (req, res) => {
    handleExchange(createExchange({ req, res, secure, listenPort: secure ? deps.ports.https : deps.ports.http }), deps);
  };
}

/** The 'upgrade' listener: upgrades run the same pipeline, answered on a response bound to the raw socket. */
export function createUpgradeListener(
  deps: PipelineDeps,
  secure: boolean,
): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    const res = new NodeServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as import("node:net").Socket);
    socket.on("error", () => socket.destroy());
    const ex = createExchange({
      req,
      res,
      secure,
      listenPort: secure ? deps.ports.https : deps.ports.http,
      upgrade: { socket, head },
    });
    res.once("finish", () => {
      socket.end();
      finishExchange(ex);
    });
    handleExchange(ex, deps);
  };
}

/** Run one exchange through the pipeline; an unexpected exception answers 500 rather than crashing the proxy. */
export function handleExchange(ex: Exchange, deps: PipelineDeps): void {
  try {
    applyRequestStart(ex);
    applyRequestId(ex);
    startAccessLog(ex, deps.accessLog);
    const match = deps.router.route(ex.host, ex.path);
    if (!match) {
      sendErrorPage(ex, 404);
      return;
    }
    match.service.serve(ex, match.prefix, deps);
  } catch (error) {
    deps.logger.error("Unexpected error handling request", { path: ex.path, error: error as Error });
    if (!ex.res.headersSent) sendErrorPage(ex, 500);
    else ex.res.destroy();
  }
}
