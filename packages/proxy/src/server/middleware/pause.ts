// Pause middleware: while paused, hold requests (504 once max-pause passes); while stopped, answer the 503
// maintenance page with the stop message. The health-check path is answered 200 in both states so load
// balancers in front keep the node in rotation.
import type { Logger } from "../../log/logger.js";
import type { Exchange } from "../exchange.js";
import type { PauseController } from "../pause-controller.js";
import { sendErrorPage } from "./error-page.js";

/**
 * Gate a request on the pause state. Returns true when answered here, false to proceed at once, or a promise
 * (paused) of either.
 */
export function handlePauseGate(
  ex: Exchange,
  pause: PauseController,
  healthCheckPath: string,
  logger: Logger,
): boolean | Promise<boolean> {
  const state = pause.state;
  if (state === "running") return false;
  if ((ex.method === "GET" || ex.method === "HEAD") && ex.routedPath === healthCheckPath) {
    ex.status = 200;
    ex.res.writeHead(200, { "content-length": 0 });
    ex.res.end();
    return true;
  }
  const result = pause.wait();
  if (typeof result === "string") return answer(ex, result, pause, logger);
  return result.then((outcome) => answer(ex, outcome, pause, logger));
}

function answer(ex: Exchange, outcome: "proceed" | "timed-out" | "stopped", pause: PauseController, logger: Logger) {
  if (ex.done || ex.res.destroyed) return true;
  if (outcome === "proceed") return false;
  if (outcome === "stopped") {
    sendErrorPage(ex, 503, { Message: pause.stopMessage });
    return true;
  }
  logger.warn("Rejecting request due to expired pause", { service: ex.service, path: ex.path });
  sendErrorPage(ex, 504);
  return true;
}
