import { describe, expect, it } from "vitest";
import { pointAtSandbox } from "../corpus-config.scenario.js";
import { ScenarioFailure, eventually, expectEqual, expectMatch } from "./assert.js";
import { parseEnv, shellQuote } from "./sandbox.js";
import { hostAliases, parseHookLog } from "./workspace.js";

describe("parseEnv", () => {
  it("reads the lines `sandbox env` prints", () => {
    const env = parseEnv(
      [
        'DHOW_SANDBOX_HOSTS="10.78.0.11 10.78.0.12"',
        'DHOW_SANDBOX_SSH_USER="root"',
        'DHOW_SANDBOX_SSH_KEY="/k/id_ed25519"',
        'DHOW_SANDBOX_REGISTRY="10.78.0.1:5000"',
        'DOCKER_HOST="unix:///run/b.sock"',
        'DHOW_SANDBOX_BASE_IMAGE="10.78.0.1:5000/sandbox/busybox:1"',
        'DHOW_SANDBOX_NODE_IMAGE="10.78.0.1:5000/sandbox/node:20"',
        'DHOW_SANDBOX_REDIS_IMAGE="10.78.0.1:5000/sandbox/redis:7"',
        'DHOW_SANDBOX_POSTGRES_IMAGE="10.78.0.1:5000/sandbox/postgres:15"',
        'DHOW_SANDBOX_PROMETHEUS_IMAGE="10.78.0.1:5000/sandbox/prometheus:2"',
        "export DHOW_SANDBOX_HOSTS DOCKER_HOST",
      ].join("\n"),
    );
    expect(env.hosts).toEqual(["10.78.0.11", "10.78.0.12"]);
    expect(env.registry).toBe("10.78.0.1:5000");
    expect(env.postgresImage).toBe("10.78.0.1:5000/sandbox/postgres:15");
    expect(env.prometheusImage).toBe("10.78.0.1:5000/sandbox/prometheus:2");
    expect(env.vars["DOCKER_HOST"]).toBe("unix:///run/b.sock");
  });

  it("names a missing variable", () => {
    expect(() => parseEnv('DHOW_SANDBOX_HOSTS="1.2.3.4"')).toThrow(/DHOW_SANDBOX_SSH_USER missing/);
  });
});

describe("parseHookLog", () => {
  it("splits runs and keeps values with = in them", () => {
    const runs = parseHookLog("== pre-connect\nKAMAL_SERVICE=app\nSECRET_TOKEN=a=b\n== post-deploy\nKAMAL_RUNTIME=3\n");
    expect(runs).toEqual([
      { hook: "pre-connect", env: { KAMAL_SERVICE: "app", SECRET_TOKEN: "a=b" } },
      { hook: "post-deploy", env: { KAMAL_RUNTIME: "3" } },
    ]);
  });
});

describe("hostAliases", () => {
  it("names the servers VM1, VM2, … like Kamal's integration configs", () => {
    expect(hostAliases(["10.0.0.11", "10.0.0.12"])).toEqual({ VM1: "10.0.0.11", VM2: "10.0.0.12" });
  });
});

describe("shellQuote", () => {
  it("leaves plain words and quotes the rest", () => {
    expect(shellQuote("app-web-123")).toBe("app-web-123");
    expect(shellQuote("it's here")).toBe("'it'\\''s here'");
  });
});

describe("assertions", () => {
  it("say what was expected and what was found", () => {
    expect(() => expectEqual(["a"], ["b"], "names")).toThrow('names: expected ["b"], got ["a"]');
    expect(() => expectMatch("hello", /bye/, "greeting")).toThrow(ScenarioFailure);
  });

  it("eventually retries until the probe passes, and reports the last error otherwise", async () => {
    let calls = 0;
    await expect(
      eventually(
        "third time",
        async () => {
          calls++;
          if (calls < 3) throw new Error("not yet");
          return calls;
        },
        { intervalMs: 1 },
      ),
    ).resolves.toBe(3);
    await expect(
      eventually(
        "never",
        async () => {
          throw new Error("still broken");
        },
        { timeoutMs: 20, intervalMs: 5 },
      ),
    ).rejects.toThrow(/never \(still failing after 0.02s\): still broken/);
  });
});

describe("pointAtSandbox", () => {
  const config = [
    "# a comment that stays",
    "service: shop",
    "image: ghcr.io/acme/shop",
    "servers:",
    "  web:",
    "    - 203.0.113.5",
    "    - 203.0.113.6: [tag1]",
    "  job:",
    "    hosts:",
    "      - 203.0.113.5",
    "    cmd: bin/jobs",
    "registry:",
    "  server: ghcr.io",
    "  username: acme",
    "ssh:",
    "  user: deploy",
    "accessories:",
    "  db:",
    "    image: postgres:17",
    "    host: 203.0.113.7",
    "",
  ].join("\n");

  it("maps each distinct host to the next sandbox server and changes nothing else", () => {
    const out = pointAtSandbox(config, {
      hosts: ["10.0.0.11", "10.0.0.12", "10.0.0.13"],
      registry: "10.0.0.1:5000",
      sshKey: "/k",
      images: { "postgres:17": "10.0.0.1:5000/corpus/postgres:17" },
    });
    expect(out).toContain("# a comment that stays");
    expect(out).toContain("image: ghcr.io/acme/shop");
    expect(out).toContain("cmd: bin/jobs");
    expect(out).toContain("user: deploy");
    expect(out).toMatch(/web:\n\s+- 10\.0\.0\.11\n\s+- 10\.0\.0\.12:/);
    expect(out).toMatch(/job:\n\s+hosts:\n\s+- 10\.0\.0\.11/);
    expect(out).toContain("host: 10.0.0.13");
    expect(out).toContain("server: 10.0.0.1:5000");
    expect(out).toContain("image: 10.0.0.1:5000/corpus/postgres:17");
    expect(out).toMatch(/keys:\n\s+- \/k\n\s+config: false/);
    expect(out).not.toContain("203.0.113");
  });

  it("refuses an accessory image without a stand-in", () => {
    expect(() =>
      pointAtSandbox(config, { hosts: ["10.0.0.11"], registry: "r:5000", sshKey: "/k", images: {} }),
    ).toThrow("no local stand-in for accessory image postgres:17");
  });
});
