// Prometheus metrics with kamal-proxy's names. Hand-written rather than prom-client: three metric families, and
// the per-request update must stay a couple of Map lookups on the hot path (prom-client hashes sorted label objects).

/** Histogram upper bounds in seconds (Prometheus client defaults, as kamal-proxy uses). */
export const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const STANDARD_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE"]);

interface RequestSeries {
  readonly service: string;
  readonly method: string;
  readonly status: string;
  count: number;
  sum: number;
  readonly buckets: number[];
}

/** A worker's metrics as plain data, for the primary of a multi-worker proxy to add up. */
export interface MetricsSnapshot {
  series: { service: string; method: string; status: string; count: number; sum: number; buckets: number[] }[];
  inflight: [string, number][];
}

/** The proxy's request metrics: requests total, request duration histogram, in-flight gauge. */
export class Metrics {
  /** Every series, in the order first seen (the exposition's order). */
  private readonly series: RequestSeries[] = [];
  /** The same series by service, method and status: no key string made per request. */
  private readonly index = new Map<string, Map<string, Map<number, RequestSeries>>>();
  private readonly inflight = new Map<string, number>();

  /** Record one finished request. */
  observeRequest(service: string, method: string, status: number, durationSeconds: number): void {
    const series = this.seriesFor(service, STANDARD_METHODS.has(method) ? method : "OTHER", status);
    series.count++;
    series.sum += durationSeconds;
    const buckets = series.buckets;
    for (let i = 0; i < DEFAULT_BUCKETS.length; i++) {
      if (durationSeconds <= DEFAULT_BUCKETS[i]!) {
        buckets[i]!++;
        break;
      }
    }
  }

  /** Count a request entering a service. */
  addInflight(service: string): void {
    this.inflight.set(service, (this.inflight.get(service) ?? 0) + 1);
  }

  /** Count a request leaving a service. */
  subtractInflight(service: string): void {
    this.inflight.set(service, (this.inflight.get(service) ?? 0) - 1);
  }

  /** Everything counted so far, as plain data. */
  snapshot(): MetricsSnapshot {
    return {
      series: this.series.map((s) => ({ ...s, buckets: [...s.buckets] })),
      inflight: [...this.inflight],
    };
  }

  /** Add another process's counts to these. */
  absorb(snapshot: MetricsSnapshot): void {
    for (const s of snapshot.series) {
      const series = this.seriesFor(s.service, s.method, Number(s.status));
      series.count += s.count;
      series.sum += s.sum;
      for (let i = 0; i < series.buckets.length; i++) series.buckets[i]! += s.buckets[i] ?? 0;
    }
    for (const [service, value] of snapshot.inflight) {
      this.inflight.set(service, (this.inflight.get(service) ?? 0) + value);
    }
  }

  private seriesFor(service: string, method: string, status: number): RequestSeries {
    let byMethod = this.index.get(service);
    if (!byMethod) {
      byMethod = new Map();
      this.index.set(service, byMethod);
    }
    let byStatus = byMethod.get(method);
    if (!byStatus) {
      byStatus = new Map();
      byMethod.set(method, byStatus);
    }
    let series = byStatus.get(status);
    if (!series) {
      series = { service, method, status: String(status), count: 0, sum: 0, buckets: DEFAULT_BUCKETS.map(() => 0) };
      byStatus.set(status, series);
      this.series.push(series);
    }
    return series;
  }

  /** The Prometheus text exposition (format 0.0.4). */
  render(): string {
    const lines: string[] = [];
    lines.push("# HELP kamal_proxy_http_requests_total Total number of HTTP requests");
    lines.push("# TYPE kamal_proxy_http_requests_total counter");
    for (const s of this.series) {
      lines.push(`kamal_proxy_http_requests_total{${labels(s)}} ${s.count}`);
    }
    lines.push("# HELP kamal_proxy_http_request_duration_seconds Duration of HTTP requests");
    lines.push("# TYPE kamal_proxy_http_request_duration_seconds histogram");
    for (const s of this.series) {
      const l = labels(s);
      let cumulative = 0;
      DEFAULT_BUCKETS.forEach((bound, i) => {
        cumulative += s.buckets[i]!;
        lines.push(`kamal_proxy_http_request_duration_seconds_bucket{${l},le="${bound}"} ${cumulative}`);
      });
      lines.push(`kamal_proxy_http_request_duration_seconds_bucket{${l},le="+Inf"} ${s.count}`);
      lines.push(`kamal_proxy_http_request_duration_seconds_sum{${l}} ${s.sum}`);
      lines.push(`kamal_proxy_http_request_duration_seconds_count{${l}} ${s.count}`);
    }
    lines.push("# HELP kamal_proxy_http_in_flight_requests Number of HTTP requests currently being processed");
    lines.push("# TYPE kamal_proxy_http_in_flight_requests gauge");
    for (const [service, value] of this.inflight) {
      lines.push(`kamal_proxy_http_in_flight_requests{service="${escapeLabel(service)}"} ${value}`);
    }
    lines.push(...processMetrics());
    return `${lines.join("\n")}\n`;
  }
}

function labels(s: RequestSeries): string {
  return `method="${s.method}",service="${escapeLabel(s.service)}",status="${s.status}"`;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function processMetrics(): string[] {
  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();
  return [
    "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.",
    "# TYPE process_cpu_seconds_total counter",
    `process_cpu_seconds_total ${(cpu.user + cpu.system) / 1e6}`,
    "# HELP process_resident_memory_bytes Resident memory size in bytes.",
    "# TYPE process_resident_memory_bytes gauge",
    `process_resident_memory_bytes ${memory.rss}`,
    "# HELP process_start_time_seconds Start time of the process since unix epoch in seconds.",
    "# TYPE process_start_time_seconds gauge",
    `process_start_time_seconds ${Math.floor(Date.now() / 1000 - process.uptime())}`,
  ];
}
