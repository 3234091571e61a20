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
});
