// Health checks: GET <target><path> with User-Agent kamal-proxy, first probe at once, then every interval; 2xx passes.
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { HEALTH_CHECK_MAX_REDIRECTS, HEALTH_CHECK_USER_AGENT } from "../defaults.js";
import { formatDuration } from "../duration.js";

/** What one probe found: ok, or why not (status, redirect chain, error). */
export interface ProbeResult {
  readonly ok: boolean;
  readonly detail: string;
}

export interface HealthCheckOptions {
  url: URL;
  /** Host header override ("" keeps the URL's host). */
  host: string;
  intervalMs: number;
  timeoutMs: number;
  /** Name lookup for the probe's connection (the proxy's resolver, not getaddrinfo). */
  lookup?: LookupFunction | undefined;
  onResult: (result: ProbeResult) => void;
}

/** A running probe loop for one target; close() stops it (an in-flight probe is abandoned). */
export class HealthCheck {
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private abort: (() => void) | undefined;

  constructor(private readonly options: HealthCheckOptions) {
    setImmediate(() => this.run());
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.abort?.();
  }

  private run(): void {
    if (this.closed) return;
    const started = performance.now();
    const controller = new AbortController();
    this.abort = () => controller.abort();
    const { url, host, timeoutMs, lookup } = this.options;
    probe(url, host, timeoutMs, controller.signal, lookup).then((result) => {
      this.abort = undefined;
      if (this.closed) return;
      this.options.onResult(result);
      if (this.closed) return;
      const elapsed = performance.now() - started;
      this.timer = setTimeout(() => this.run(), Math.max(0, this.options.intervalMs - elapsed));
    });
  }
}

/** Run one probe, following up to 10 redirects as Go's default client does. Never rejects. */
export async function probe(
  url: URL,
  host: string,
  timeoutMs: number,
  signal?: AbortSignal,
  lookup?: LookupFunction,
): Promise<ProbeResult> {
  const deadline = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
  let current = url;
  const hops: string[] = [];
  for (let redirects = 0; ; redirects++) {
    let response: { status: number; location: string | undefined };
    try {
      response = await get(current, hops.length === 0 ? host : "", combined, lookup);
    } catch (error) {
      const reason = deadline.aborted ? `timed out after ${formatDuration(timeoutMs)}` : (error as Error).message;
      return { ok: false, detail: describe(url, hops, reason) };
    }
    const { status, location } = response;
    if (status >= 300 && status < 400 && location !== undefined && status !== 304) {
      if (redirects >= HEALTH_CHECK_MAX_REDIRECTS) {
        return { ok: false, detail: describe(url, hops, "stopped after 10 redirects") };
      }
      const next = new URL(location, current);
      hops.push(next.href);
      current = next;
      continue;
    }
    const ok = status >= 200 && status < 300;
    return { ok, detail: ok ? `status ${status}` : describe(url, hops, `status ${status}`) };
  }
}

function describe(url: URL, hops: string[], reason: string): string {
  if (hops.length === 0) return `GET ${url.href}: ${reason}`;
  return `GET ${url.href} (redirected to ${hops.join(" -> ")}): ${reason}`;
}

function get(
  url: URL,
  host: string,
  signal: AbortSignal,
  lookup: LookupFunction | undefined,
): Promise<{ status: number; location: string | undefined }> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === "https:" ? https : http;
    const headers: Record<string, string> = { "user-agent": HEALTH_CHECK_USER_AGENT, accept: "*/*" };
    if (host !== "") headers.host = host;
    const req = client.request(
      url,
      { method: "GET", headers, agent: false, signal, ...(lookup ? { lookup } : {}) },
      (res) => {
        res.resume();
        res.once("end", () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }));
        res.once("error", reject);
      },
    );
    req.once("error", reject);
    req.end();
  });
}
