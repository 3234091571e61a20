import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigError } from "../errors.js";
import { describeConfig } from "./describe.js";
import { loadConfig } from "./load-config.js";

let cwd: string;
const gitCalls: string[] = [];
const runner = {
  runSync: (file: string, args: readonly string[]) => {
    gitCalls.push(`${file} ${args.join(" ")}`);
    const stdout = args[0] === "status" ? " M app.rb\n" : "0123456789abcdef0123456789abcdef01234567\n";
    return { command: file, exitCode: 0, stdout, stderr: "", notFound: false, durationMs: 0 };
  },
  shellSync: () => ({
    command: "sh",
    exitCode: 1,
    stdout: "",
    stderr: "no shell in this test",
    notFound: false,
    durationMs: 0,
  }),
};

function write(path: string, text: string) {
  mkdirSync(join(cwd, path, ".."), { recursive: true });
  writeFileSync(join(cwd, path), text);
}

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "dhow-load-config-"));
  gitCalls.length = 0;
  write(
    "config/deploy.yml",
    [
      "service: app",
      "image: dhh/app",
      "x-hosts: &hosts",
      "  - 1.1.1.1",
      "servers:",
      "  web: *hosts",
      "registry:",
      '  server: <%= ENV["REGISTRY"] %>',
      "  username: dhh",
      "  password: [ KAMAL_REGISTRY_PASSWORD ]",
      "builder:",
      "  arch: amd64",
      "env:",
      "  secret: [ RAILS_MASTER_KEY ]",
      "",
    ].join("\n"),
  );
  write("config/deploy.staging.yml", ["servers:", "  web:", "    - 2.2.2.2", ""].join("\n"));
  write(".kamal/secrets", "KAMAL_REGISTRY_PASSWORD=pw\nRAILS_MASTER_KEY=456\n");
  write(".kamal/secrets.staging", "KAMAL_REGISTRY_PASSWORD=staging-pw\n");
});

afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

describe("loadConfig", () => {
  it("renders, merges, validates and resolves; the version comes from git only when needed", () => {
    const config = loadConfig({ configFile: "config/deploy.yml", cwd, env: { REGISTRY: "ghcr.io" }, runner });
    expect(config.repository).toBe("ghcr.io/dhh/app");
    expect(config.allHosts).toEqual(["1.1.1.1"]);
    expect(gitCalls).toEqual([]);
    expect(config.version).toBe("0123456789abcdef0123456789abcdef01234567");
    expect(config.registry.password()).toBe("pw");
    expect(config.role("web")?.env("1.1.1.1").secretValues()).toEqual({ RAILS_MASTER_KEY: "456" });
    expect(Object.keys(describeConfig(config))).not.toContain("x-hosts");
  });

  it("merges the destination file and reads the destination's secrets", () => {
    const config = loadConfig({
      configFile: "config/deploy.yml",
      destination: "staging",
      cwd,
      env: { REGISTRY: "ghcr.io" },
      runner,
    });
    expect(config.allHosts).toEqual(["2.2.2.2"]);
    expect(config.latestImage).toBe("ghcr.io/dhh/app:latest-staging");
    expect(config.registry.password()).toBe("staging-pw");
  });

  it("prefers --version and VERSION over git", () => {
    expect(
      loadConfig({ configFile: "config/deploy.yml", cwd, env: { VERSION: "v9", REGISTRY: "ghcr.io" }, runner }).version,
    ).toBe("v9");
    expect(
      loadConfig({
        configFile: "config/deploy.yml",
        cwd,
        env: { VERSION: "v9", REGISTRY: "ghcr.io" },
        version: "v1",
        runner,
      }).version,
    ).toBe("v1");
    expect(gitCalls).toEqual([]);
  });

  it("reports validation errors with the key path", () => {
    write(
      "config/deploy.yml",
      "service: app\nimage: x\nregistry: { username: a, password: b }\nservers: { web: { hosts: 1 } }\nbuilder: { arch: amd64 }\n",
    );
    expect(() => loadConfig({ configFile: "config/deploy.yml", cwd, env: {}, runner })).toThrow(ConfigError);
    expect(() => loadConfig({ configFile: "config/deploy.yml", cwd, env: {}, runner })).toThrow(/servers\/web\/hosts/);
  });
});
