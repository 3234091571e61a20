import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { deployRequest, request, startBackend, startProxy, tempDir } from "../../test/helpers.js";
import { corruptBackupPath, decodeService, encodeService, parseState, writeFileAtomically } from "./state.js";

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()!();
});

// The example from spec §2.5: a state file as kamal-proxy 0.9.2 writes it.
const KAMAL_PROXY_092_STATE = `[{"name":"app-web",
  "options":{"hosts":["app.example.com"],"path_prefixes":["/"],"tls_enabled":true,
    "tls_certificate_path":"","tls_private_key_path":"","tls_on_demand_url":"","tls_redirect":true,
    "canonical_host":"","acme_directory":"","acme_cache_path":"/home/kamal-proxy/.config/kamal-proxy/certs",
    "error_page_path":"","strip_prefix":true,"writer_affinity_timeout":1000000000,
    "read_targets_accept_websockets":false,"exclude_metrics_paths":null,"client_ip_header":""},
  "target_options":{"health_check_config":{"path":"/up","port":0,"interval":1000000000,"timeout":5000000000,"host":""},
    "response_timeout":30000000000,"buffer_requests":true,"buffer_responses":true,"max_memory_buffer_size":1048576,
    "max_request_body_size":0,"max_response_body_size":0,"log_request_headers":["Cache-Control"],
    "log_response_headers":null,"forward_headers":false,"scope_cookie_paths":false},
  "active_targets":["3f2a9c1b7d2e:80"],"active_readers":[],"rollout_targets":null,"rollout_readers":null,
  "pause_controller":{"state":0,"stop_message":"","fail_after":0},
  "rollout_controller":null}]`;

describe("state file format", () => {
  it("decodes the kamal-proxy 0.9.2 example", () => {
    const [entry] = parseState(KAMAL_PROXY_092_STATE);
    expect(entry?.ok).toBe(true);
    if (!entry?.ok) return;
    expect(entry.service).toMatchObject({
      name: "app-web",
      activeTargets: ["3f2a9c1b7d2e:80"],
      options: { hosts: ["app.example.com"], tlsEnabled: true, tlsRedirect: true, writerAffinityTimeoutMs: 1000 },
      targetOptions: {
        healthCheck: { path: "/up", intervalMs: 1000, timeoutMs: 5000 },
        responseTimeoutMs: 30_000,
        bufferRequests: true,
        logRequestHeaders: ["Cache-Control"],
      },
    });
  });

  it("reads the 0.8.x legacy keys", () => {
    const service = decodeService({
      name: "old",
      hosts: ["old.example.com"],
      path_prefixes: ["/api"],
      active_target: "web:3000",
      rollout_target: "canary:3000",
      options: { tls_enabled: false },
      target_options: {},
    });
    expect(service).toMatchObject({
      options: { hosts: ["old.example.com"], pathPrefixes: ["/api"] },
      activeTargets: ["web:3000"],
      rolloutTargets: ["canary:3000"],
    });
  });

  it("round-trips through encode/decode with Go field names and nanoseconds", () => {
    const [entry] = parseState(KAMAL_PROXY_092_STATE);
    if (!entry?.ok) throw new Error("decode failed");
    const encoded = encodeService(entry.service) as Record<string, Record<string, unknown>>;
    expect(encoded.options!.writer_affinity_timeout).toBe(1_000_000_000);
    expect(encoded.target_options!.response_timeout).toBe(30_000_000_000);
    expect(decodeService(JSON.parse(JSON.stringify(encoded)))).toEqual(entry.service);
  });

  it("reports bad entries one by one", () => {
    const entries = parseState(
      JSON.stringify([
        { name: "bad", options: { hosts: "nope" } },
        { name: "ok", active_targets: ["a:1"] },
      ]),
    );
    expect(entries[0]).toMatchObject({ ok: false, name: "bad", error: "options.hosts: expected a list of strings" });
    expect(entries[1]?.ok).toBe(true);
    expect(parseState("{")[0]).toMatchObject({ ok: false, name: "*" });
  });

  it("writes atomically, leaving no temp files, with mode 0600", () => {
    const dir = tempDir();
    const path = join(dir, "sub", "kamal-proxy.state");
    writeFileAtomically(path, "[]");
    writeFileAtomically(path, '[{"name":"x"}]');
    expect(readFileSync(path, "utf8")).toBe('[{"name":"x"}]');
    expect(readdirSync(join(dir, "sub"))).toEqual(["kamal-proxy.state"]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});

describe("state restore", () => {
  it("restores every service of the kamal-proxy 0.9.2 example", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "kamal-proxy.state"), KAMAL_PROXY_092_STATE);
    const p = await startProxy({ stateDir: dir });
    cleanup.push(() => p.close());
    const { services, failures } = p.server.router.list();
    expect(failures).toEqual([]);
    expect(services).toMatchObject([
      { service: "app-web", hosts: ["app.example.com"], targets: ["3f2a9c1b7d2e:80"], state: "running", tls: true },
    ]);
    expect(services[0]!.targetHealth).toEqual([{ target: "3f2a9c1b7d2e:80", state: "healthy" }]);
    // TLS with redirect: plain HTTP is sent to HTTPS, as before the restart.
    expect((await request(`${p.httpUrl}/`, { headers: { host: "app.example.com" } })).status).toBe(301);
  });

  it("serves restored targets at once without probing, and keeps pause and rollout state", async () => {
    const sick = await startBackend("web", (req, res) => {
      res.statusCode = req.url === "/up" ? 500 : 200;
      res.end(`web ${req.url}`);
    });
    const canary = await startBackend("canary");
    cleanup.push(
      () => sick.close(),
      () => canary.close(),
    );
    const dir = tempDir();
    const first = await startProxy({ stateDir: dir });
    await first.server.router.deploy(deployRequest("a", [canary.address], { options: { hosts: ["a.test"] } }));
    await first.server.router.rolloutDeploy({
      service: "a",
      targets: [canary.address],
      readers: [],
      deployment: { deployTimeoutMs: 2000, drainTimeoutMs: 1000, force: false },
    });
    await first.server.router.rolloutSet("a", 30, ["beta"]);
    await first.server.router.stop("a", 100, "be right back");
    await first.close();

    const saved = JSON.parse(readFileSync(join(dir, "kamal-proxy.state"), "utf8"));
    saved[0].active_targets = [sick.address];
    writeFileSync(join(dir, "kamal-proxy.state"), JSON.stringify(saved));
    const second = await startProxy({ stateDir: dir });
    cleanup.push(() => second.close());
    const service = second.server.router.service("a")!;
    expect(service.pause.state).toBe("stopped");
    expect(service.rolloutController?.percentage).toBe(30);
    expect(service.rolloutController?.allowlist).toEqual(["beta"]);
    await second.server.router.resume("a");
    expect((await request(`${second.httpUrl}/x`, { headers: { host: "a.test" } })).body).toBe("web /x");
  });

  it("restores each service on its own: a bad entry is listed, kept in the file, and not fatal", async () => {
    const dir = tempDir();
    const good = { name: "good", options: { hosts: ["good.test"], path_prefixes: ["/"] }, active_targets: ["good:80"] };
    const badCert = {
      name: "badcert",
      options: {
        hosts: ["bad.test"],
        path_prefixes: ["/"],
        tls_enabled: true,
        tls_certificate_path: "/missing/cert.pem",
        tls_private_key_path: "/missing/key.pem",
      },
      active_targets: ["bad:80"],
    };
    writeFileSync(join(dir, "kamal-proxy.state"), JSON.stringify([badCert, good, { name: 42 }]));
    const p = await startProxy({ stateDir: dir });
    cleanup.push(() => p.close());
    const { services, failures } = p.server.router.list();
    expect(services.map((s) => s.service)).toEqual(["good"]);
    expect(failures).toEqual([
      { service: "badcert", error: expect.stringMatching(/unable to load TLS certificate/) },
      { service: "#2", error: "name: expected a string" },
    ]);
    p.server.router.saveState();
    const names = JSON.parse(readFileSync(join(dir, "kamal-proxy.state"), "utf8")).map(
      (e: { name: unknown }) => e.name,
    );
    expect(names).toEqual(["good", "badcert", 42]);
    await p.server.router.remove("badcert");
    expect(p.server.router.list().failures.map((f) => f.service)).toEqual(["#2"]);
  });

  it("keeps a copy of a truncated state file, and drops its error row once the file is rewritten", async () => {
    const backend = await startBackend("web");
    cleanup.push(() => backend.close());
    const dir = tempDir();
    const path = join(dir, "kamal-proxy.state");
    const truncated = KAMAL_PROXY_092_STATE.slice(0, 200);
    writeFileSync(path, truncated);
    const p = await startProxy({ stateDir: dir });
    cleanup.push(() => p.close());
    const copies = readdirSync(dir).filter((name) => name.startsWith("kamal-proxy.state.corrupt-"));
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatch(/^kamal-proxy\.state\.corrupt-\d{8}T\d{6}Z$/);
    expect(readFileSync(join(dir, copies[0]!), "utf8")).toBe(truncated);
    expect(p.server.router.list().failures).toEqual([
      { service: "*", error: expect.stringContaining(`a copy was kept at ${join(dir, copies[0]!)}`) },
    ]);

    await p.server.router.deploy(deployRequest("app", [backend.address]));
    expect(JSON.parse(readFileSync(path, "utf8")).map((e: { name: string }) => e.name)).toEqual(["app"]);
    expect(p.server.router.list().failures).toEqual([]);
    expect(readFileSync(join(dir, copies[0]!), "utf8")).toBe(truncated);
  });

  it("names the copy after the state file and the UTC time", () => {
    expect(corruptBackupPath("/s/kamal-proxy.state", new Date("2026-12-04T16:05:09.123Z"))).toBe(
      "/s/kamal-proxy.state.corrupt-20261204T160509Z",
    );
  });
});
