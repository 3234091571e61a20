/**
 * @module
 * Real HTTP(S) requests to the sandbox servers (their proxies on ports 80/443), with a Host header and SNI,
 * and a poller that counts answers while a deploy switches versions.
 */
import http from "node:http";
import https from "node:https";
import type { TLSSocket } from "node:tls";

/** One answer. */
export interface HttpResponse {
  readonly status: number;
  readonly body: string;
  readonly headers: http.IncomingHttpHeaders;
  /** HTTPS only: the subject CN and SANs of the certificate the server presented. */
  readonly certificate?: { readonly subject: string; readonly altNames: string };
}

/** Options of `request`. */
export interface RequestOptions {
  /** Host header (and SNI for HTTPS); default: the IP. */
  readonly host?: string;
  readonly port?: number;
  readonly https?: boolean;
  readonly method?: string;
  readonly timeoutMs?: number;
}

/** Default request timeout; the proxy buffers requests during a switch, so this is generous. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** GETs `path` from `ip`; rejects on network errors and timeouts (HTTP error statuses resolve). */
export function request(ip: string, path: string, options: RequestOptions = {}): Promise<HttpResponse> {
  const secure = options.https === true;
  const lib = secure ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      {
        host: ip,
        port: options.port ?? (secure ? 443 : 80),
        path,
        method: options.method ?? "GET",
        headers: { host: options.host ?? ip, connection: "close" },
        agent: false,
        timeout: options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
        ...(secure ? { servername: options.host ?? ip, rejectUnauthorized: false } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let certificate: HttpResponse["certificate"];
        if (secure) {
          const cert = (res.socket as TLSSocket).getPeerCertificate();
          const cn = cert.subject?.CN;
          certificate = { subject: Array.isArray(cn) ? cn.join(",") : (cn ?? ""), altNames: cert.subjectaltname ?? "" };
        }
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString("utf8"),
            headers: res.headers,
            ...(certificate ? { certificate } : {}),
          }),
        );
        res.on("error", reject);
      },
    );
    const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    req.on("timeout", () => req.destroy(new Error(`GET ${ip}${path}: no answer within ${timeoutMs} ms`)));
    req.on("error", (error) => reject(new Error(`GET http${secure ? "s" : ""}://${ip}${path}: ${error.message}`)));
    req.end();
  });
}

/** What a poller saw. */
export interface PollReport {
  readonly requests: number;
  /** Non-2xx answers and network errors, with what they were. */
  readonly errors: readonly string[];
  /** Distinct bodies (trimmed) in the order first seen, with counts. */
  readonly bodies: ReadonlyArray<{ readonly body: string; readonly count: number }>;
  /** The successful bodies with consecutive repeats collapsed: ["v1", "v2"] is one clean switch. */
  readonly sequence: readonly string[];
}

/** A running poller; `stop()` ends it and returns the report. */
export interface Poller {
  stop(): Promise<PollReport>;
}

/**
 * Polls `ip` `path` in a loop (one request at a time, `pauseMs` apart) until stopped: for checking that a
 * deploy never drops a request while it switches versions.
 */
export function poll(ip: string, path: string, options: RequestOptions & { pauseMs?: number } = {}): Poller {
  let running = true;
  let requests = 0;
  const errors: string[] = [];
  const bodies = new Map<string, number>();
  const sequence: string[] = [];
  const loop = (async () => {
    while (running) {
      requests++;
      try {
        const res = await request(ip, path, options);
        if (res.status < 200 || res.status > 299) errors.push(`HTTP ${res.status}: ${res.body.trim().slice(0, 200)}`);
        else {
          const body = res.body.trim();
          bodies.set(body, (bodies.get(body) ?? 0) + 1);
          if (sequence[sequence.length - 1] !== body) sequence.push(body);
        }
      } catch (error) {
        errors.push(error instanceof Error ? error.message : String(error));
      }
      await new Promise((resolve) => setTimeout(resolve, options.pauseMs ?? 20));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { requests, errors, bodies: [...bodies].map(([body, count]) => ({ body, count })), sequence };
    },
  };
}
