// Error page middleware: answers a status a handler failed with, from the service's error pages.
import type { Exchange } from "../exchange.js";
import { ERROR_PAGE_CONTENT_TYPE, renderErrorBody } from "../error-pages.js";

/**
 * Answer the exchange with an error status: the service's template when it has one, else the built-in page.
 * If the response has already started, the connection is cut instead (the client sees a truncated response).
 */
export function sendErrorPage(ex: Exchange, status: number, args?: Record<string, unknown>): void {
  ex.status = status;
  const res = ex.res;
  if (res.headersSent) {
    ex.done = true;
    res.destroy();
    return;
  }
  const body = renderErrorBody(ex.errorPages, status, args);
  ex.respContentType = ERROR_PAGE_CONTENT_TYPE;
  ex.respBytes += body.length;
  res.writeHead(status, { "content-type": ERROR_PAGE_CONTENT_TYPE, "content-length": body.length });
  res.end(body);
}
