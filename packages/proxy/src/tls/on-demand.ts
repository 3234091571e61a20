// On-demand TLS (--tls-on-demand-url): ask the app whether a host may get a certificate. GET <url>?host=<h>,
// 2 s timeout, redirects not followed; only a 200 allows. A path is asked of the service's own target.
import http from "node:http";
import https from "node:https";
import { DEFAULT_ON_DEMAND_TLS_TIMEOUT_MS } from "../defaults.js";
import type { Logger } from "../log/logger.js";

export interface OnDemandCheck {
  /** The --tls-on-demand-url value (a path or an absolute http(s) URL). */
  url: string;
  /** For a path: the address (host:port) of a healthy target of the service, if any. */
  targetAddress: () => string | undefined;
  logger: Logger;
  timeoutMs?: number;
}

/** Ask the on-demand URL about `host`; resolves true only on a 200. */
export function askOnDemand(check: OnDemandCheck, host: string): Promise<boolean> {
  let url: URL;
  const headers: Record<string, string> = { "user-agent": "kamal-proxy" };
  if (check.url.startsWith("/")) {
    const address = check.targetAddress();
    if (!address) return Promise.resolve(false);
    url = new URL(`http://${address}${check.url}`);
    headers.host = host;
  } else {
    url = new URL(check.url);
  }
  url.searchParams.set("host", host);
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    const req = client.request(
      url,
      { method: "GET", headers, agent: false, timeout: check.timeoutMs ?? DEFAULT_ON_DEMAND_TLS_TIMEOUT_MS },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          if (body.length < 256) body += chunk;
        });
        res.once("end", () => {
          if (res.statusCode !== 200) {
            check.logger.info("On-demand TLS check refused", {
              host,
              status: res.statusCode,
              body: body.slice(0, 256),
            });
          }
          resolve(res.statusCode === 200);
        });
        res.once("error", () => resolve(false));
      },
    );
    req.once("timeout", () => req.destroy(new Error("timeout")));
    req.once("error", (error) => {
      check.logger.info("On-demand TLS check failed", { host, error });
      resolve(false);
    });
    req.end();
  });
}
