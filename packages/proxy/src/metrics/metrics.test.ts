import { describe, expect, it } from "vitest";
import { Metrics } from "./metrics.js";

describe("Metrics", () => {
  it("renders counters, cumulative histogram buckets and the in-flight gauge", () => {
    const metrics = new Metrics();
    metrics.observeRequest("app", "GET", 200, 0.003);
    metrics.observeRequest("app", "GET", 200, 0.2);
    metrics.observeRequest("", "BREW", 404, 20);
    metrics.addInflight("app");
    metrics.addInflight("app");
    metrics.subtractInflight("app");
    const text = metrics.render();
    expect(text).toContain('kamal_proxy_http_requests_total{method="GET",service="app",status="200"} 2');
    expect(text).toContain('kamal_proxy_http_requests_total{method="OTHER",service="",status="404"} 1');
    expect(text).toContain(
      'kamal_proxy_http_request_duration_seconds_bucket{method="GET",service="app",status="200",le="0.005"} 1',
    );
    expect(text).toContain(
      'kamal_proxy_http_request_duration_seconds_bucket{method="GET",service="app",status="200",le="0.25"} 2',
    );
    expect(text).toContain(
      'kamal_proxy_http_request_duration_seconds_bucket{method="OTHER",service="",status="404",le="10"} 0',
    );
    expect(text).toContain(
      'kamal_proxy_http_request_duration_seconds_bucket{method="OTHER",service="",status="404",le="+Inf"} 1',
    );
    expect(text).toContain(
      'kamal_proxy_http_request_duration_seconds_count{method="GET",service="app",status="200"} 2',
    );
    expect(text).toContain('kamal_proxy_http_in_flight_requests{service="app"} 1');
    expect(text).toContain("# TYPE kamal_proxy_http_request_duration_seconds histogram");
  });

  it("keeps one series per service, method and status, and adds up other processes' counts", () => {
    const first = new Metrics();
    first.observeRequest("app", "GET", 200, 0.001);
    first.observeRequest("app", "GET", 404, 0.001);
    first.observeRequest("app", "POST", 200, 0.001);
    first.observeRequest("api", "GET", 200, 0.001);
    const second = new Metrics();
    second.observeRequest("api", "GET", 200, 0.3);
    second.observeRequest("app", "GET", 500, 0.001);
    second.addInflight("api");
    const total = new Metrics();
    total.absorb(first.snapshot());
    total.absorb(second.snapshot());
    total.observeRequest("app", "GET", 200, 0.001);
    const counts = total
      .snapshot()
      .series.map((s) => `${s.service} ${s.method} ${s.status} ${s.count} ${s.buckets.join("")}`);
    expect(counts).toEqual([
      "app GET 200 2 20000000000",
      "app GET 404 1 10000000000",
      "app POST 200 1 10000000000",
      "api GET 200 2 10000010000",
      "app GET 500 1 10000000000",
    ]);
    expect(total.snapshot().inflight).toEqual([["api", 1]]);
  });
});
