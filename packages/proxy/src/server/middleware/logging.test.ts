import { describe, expect, it } from "vitest";
import { fakeExchange } from "../../../test/helpers.js";
import { createLogger } from "../../log/logger.js";
import { Metrics } from "../../metrics/metrics.js";
import { finishExchange } from "../exchange.js";
import { JsonLineWriter } from "../../log/json-line-writer.js";
import { AccessLog, accessLogFields, startAccessLog, writeAccessLog } from "./logging.js";

describe("access log fields", () => {
  it("uses kamal-proxy's names, XFF as remote_addr, and the configured header fields", () => {
    const { ex } = fakeExchange({
      method: "POST",
      url: "/p?q=1",
      headers: {
        host: "a.com:8080",
        "x-forwarded-for": "1.1.1.1, 2.2.2.2",
        "content-length": "12",
        "content-type": "application/json",
        "user-agent": "ua",
        "cache-control": "no-cache",
      },
      remoteAddress: "::ffff:10.1.1.1",
      listenPort: 80,
    });
    ex.service = "svc";
    ex.target = "web:3000";
    ex.requestId = "rid";
    ex.respBytes = 42;
    ex.respContentType = "text/html";
    ex.logRequestHeaders = ["Cache-Control", "X-Missing"];
    ex.logResponseHeaders = ["Set-Cookie"];
    ex.responseHeaders = ["Set-Cookie", "a=1", "set-cookie", "b=2"];
    const fields = accessLogFields(ex, 201, 1.5);
    expect(fields).toEqual({
      host: "a.com:8080",
      port: 80,
      path: "/p",
      request_id: "rid",
      status: 201,
      service: "svc",
      target: "web:3000",
      duration: 1_500_000,
      method: "POST",
      req_content_length: 12,
      req_content_type: "application/json",
      resp_content_length: 42,
      resp_content_type: "text/html",
      client_addr: "10.1.1.1",
      client_port: 5555,
      remote_addr: "1.1.1.1, 2.2.2.2",
      user_agent: "ua",
      proto: "HTTP/1.1",
      scheme: "http",
      query: "q=1",
      req_cache_control: "no-cache",
      req_x_missing: "",
      resp_set_cookie: "a=1,b=2",
    });
  });

  it("writes the same members by hand as the field object, escaping where needed", () => {
    const { ex } = fakeExchange({ url: '/p"x?q=\u00e9', headers: { "user-agent": 'a "quoted"\tagent' } });
    ex.logRequestHeaders = ["User-Agent"];
    ex.logResponseHeaders = ["X-Y"];
    ex.responseHeaders = ["x-y", "1"];
    const out = new JsonLineWriter(16);
    out.text('{"first":1');
    writeAccessLog(out, ex, 200, 2);
    out.byte(0x7d);
    const { first, ...members } = JSON.parse(out.toString());
    expect(first).toBe(1);
    expect(members).toEqual(accessLogFields(ex, 200, 2));
    // Key for key, in the same order as the field object.
    expect(Object.keys(members)).toEqual(Object.keys(accessLogFields(ex, 200, 2)));
  });

  it("logs once and records metrics when the exchange finishes", () => {
    const lines: string[] = [];
    const metrics = new Metrics();
    const { ex, res } = fakeExchange();
    startAccessLog(ex, new AccessLog({ logger: createLogger({ sink: (l) => lines.push(l) }), metrics }));
    ex.service = "svc";
    ex.status = 204;
    res.headersSent = true;
    finishExchange(ex);
    finishExchange(ex);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: "Request", status: 204, service: "svc" });
    expect(metrics.render()).toContain('kamal_proxy_http_requests_total{method="GET",service="svc",status="204"} 1');
  });

  it("logs 499 when nothing was sent", () => {
    const lines: string[] = [];
    const { ex } = fakeExchange();
    startAccessLog(ex, new AccessLog({ logger: createLogger({ sink: (l) => lines.push(l) }), metrics: new Metrics() }));
    finishExchange(ex);
    expect(JSON.parse(lines[0]!).status).toBe(499);
  });
});
