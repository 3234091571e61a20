import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { showConfig } from "./config.js";

let cwd: string;

function write(path: string, lines: readonly string[]) {
  mkdirSync(join(cwd, path, ".."), { recursive: true });
  writeFileSync(join(cwd, path), `${lines.join("\n")}\n`);
}

const run = (options: { destination?: string; json?: boolean; extended?: boolean } = {}) =>
  showConfig({ cwd, env: {}, configFile: "config/deploy.yml", version: "v1", ...options });

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "dhow-show-config-"));
});

afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

/** kamal.md §10: real `kamal config` output of Kamal 2.12 for a two-host web app. */
const SPEC_EXAMPLE = `---
:roles:
- web
:hosts:
- 10.79.0.11
- 10.79.0.12
:primary_host: 10.79.0.11
:version: 5f17accad84fb30bb133b62453e53e722864e701
:repository: 10.79.0.1:5000/kb/kb2
:absolute_image: 10.79.0.1:5000/kb/kb2:5f17accad84fb30bb133b62453e53e722864e701
:service_with_version: kb2-5f17accad84fb30bb133b62453e53e722864e701
:volume_args: []
:ssh_options:
  :user: root
  :port: 22
  :keepalive: true
  :keepalive_interval: 30
  :keys:
  - "/home/deploy/.ssh/id_ecdsa"
  :config: false
  :log_level: :fatal
:sshkit: {}
:builder:
  arch: amd64
  args:
    BASE_IMAGE: 10.79.0.1:5000/sandbox/busybox:1
:logging:
- "--log-opt"
- max-size="10m"
`;

describe("dhow config", () => {
  it("prints kamal.md §10's example byte for byte from an equivalent deploy.yml", () => {
    write("config/deploy.yml", [
      "service: kb2",
      "image: kb/kb2",
      "servers:",
      "  - 10.79.0.11",
      "  - 10.79.0.12",
      "registry:",
      "  server: 10.79.0.1:5000",
      "  username: kb",
      "  password: [ KAMAL_REGISTRY_PASSWORD ]",
      "ssh:",
      "  keys: [ /home/deploy/.ssh/id_ecdsa ]",
      "  config: false",
      "builder:",
      "  arch: amd64",
      "  args:",
      "    BASE_IMAGE: 10.79.0.1:5000/sandbox/busybox:1",
    ]);
    const output = showConfig({
      cwd,
      env: {},
      configFile: "config/deploy.yml",
      version: "5f17accad84fb30bb133b62453e53e722864e701",
    });
    expect(output).toBe(SPEC_EXAMPLE);
    expect(output).toMatch(/^:hosts:$/m);
  });

  describe("a config with roles, accessories, env, builder args, ssh proxy and a destination", () => {
    beforeEach(() => {
      write("config/deploy.yml", [
        "service: app",
        "image: org/app",
        "servers:",
        "  web:",
        "    hosts: [ 10.0.0.1, 10.0.0.2 ]",
        "    proxy:",
        "      host: app.example.com",
        "  workers:",
        "    hosts: [ 10.0.0.3 ]",
        "    cmd: bin/jobs",
        "registry:",
        "  server: ghcr.io",
        "  username: org",
        "  password: [ KAMAL_REGISTRY_PASSWORD ]",
        "volumes:",
        '  - "/data/storage:/rails/storage"',
        "ssh:",
        "  user: deploy",
        "  proxy: bastion.example.com",
        "  keys_only: true",
        "builder:",
        "  arch: [ amd64, arm64 ]",
        "  args:",
        "    RUBY_VERSION: 3.4.1",
        "    NODE_MAJOR: 20",
        '    DEBUG: "false"',
        '    EMPTY: ""',
        '    OPTIONS: "--jobs 4 --retry=3"',
        "  secrets: [ GITHUB_TOKEN ]",
        "  cache:",
        "    type: registry",
        "    options: mode=max",
        "accessories:",
        "  db:",
        "    image: mysql:8.0",
        "    host: 10.0.0.4",
        '    port: "127.0.0.1:3306:3306"',
        "    env:",
        "      clear:",
        '        MYSQL_ROOT_HOST: "%"',
        "        MYSQL_DATABASE: app_production",
        "        ENABLED: yes",
        "        RATIO: 0.5",
        "      secret: [ MYSQL_ROOT_PASSWORD ]",
        "    files: [ config/mysql/production.cnf:/etc/mysql/my.cnf ]",
        "    directories: [ data:/var/lib/mysql ]",
        "    options:",
        "      memory: 1g",
        "  redis:",
        "    image: redis:7",
        "    roles: [ web ]",
        "    cmd: redis-server --appendonly yes",
        "env:",
        "  clear:",
        '    RAILS_LOG_TO_STDOUT: "1"',
        "logging:",
        "  driver: json-file",
        "  options:",
        "    max-size: 100m",
      ]);
      write("config/deploy.staging.yml", [
        "servers:",
        "  web:",
        "    hosts: [ 10.1.0.1 ]",
        "accessories:",
        "  db:",
        "    host: 10.1.0.4",
      ]);
    });

    /** What Kamal 2.12 prints for it with `-d staging --version v1` (checked against Psych below). */
    const STAGING = `---
:roles:
- web
- workers
:hosts:
- 10.1.0.1
- 10.0.0.3
- 10.1.0.4
:primary_host: 10.1.0.1
:version: v1
:repository: ghcr.io/org/app
:absolute_image: ghcr.io/org/app:v1
:service_with_version: app-v1
:volume_args:
- "--volume"
- "/data/storage:/rails/storage"
:ssh_options:
  :user: deploy
  :port: 22
  :proxy: !ruby/object:Net::SSH::Proxy::Jump
    jump_proxies: root@bastion.example.com
  :keepalive: true
  :keepalive_interval: 30
  :keys_only: true
  :log_level: :fatal
:sshkit: {}
:builder:
  arch:
  - amd64
  - arm64
  args:
    RUBY_VERSION: 3.4.1
    NODE_MAJOR: 20
    DEBUG: 'false'
    EMPTY: ''
    OPTIONS: "--jobs 4 --retry=3"
  secrets:
  - GITHUB_TOKEN
  cache:
    type: registry
    options: mode=max
:accessories:
  db:
    image: mysql:8.0
    host: 10.1.0.4
    port: 127.0.0.1:3306:3306
    env:
      clear:
        MYSQL_ROOT_HOST: "%"
        MYSQL_DATABASE: app_production
        ENABLED: true
        RATIO: 0.5
      secret:
      - MYSQL_ROOT_PASSWORD
    files:
    - config/mysql/production.cnf:/etc/mysql/my.cnf
    directories:
    - data:/var/lib/mysql
    options:
      memory: 1g
  redis:
    image: redis:7
    roles:
    - web
    cmd: redis-server --appendonly yes
:logging:
- "--log-driver"
- '"json-file"'
- "--log-opt"
- max-size="100m"
`;

    it("prints Kamal's document with the destination merged in", () => {
      expect(run({ destination: "staging" })).toBe(STAGING);
    });

    it.skipIf(spawnSync("ruby", ["-e", "require 'yaml'"]).status !== 0)(
      "matches Psych dumping Kamal's to_h built from Ruby's own YAML.unsafe_load of the same files (needs ruby)",
      () => {
        // The computed fields are written out; the sections as written come from Ruby's loader, the deep merge
        // of the destination file is ActiveSupport's `deep_merge` (hashes merged, everything else replaced).
        const script = `
          require "yaml"
          deep_merge = ->(a, b) { a.merge(b) { |_, x, y| x.is_a?(Hash) && y.is_a?(Hash) ? deep_merge.(x, y) : y } }
          raw = deep_merge.(YAML.unsafe_load_file("config/deploy.yml"), YAML.unsafe_load_file("config/deploy.staging.yml"))
          proxy = Object.const_set(:Net, Module.new).const_set(:SSH, Module.new).const_set(:Proxy, Module.new)
          Jump = proxy.const_set(:Jump, Class.new { def initialize(jump_proxies) = @jump_proxies = jump_proxies })
          puts({
            roles: %w[web workers], hosts: %w[10.1.0.1 10.0.0.3 10.1.0.4], primary_host: "10.1.0.1", version: "v1",
            repository: "ghcr.io/org/app", absolute_image: "ghcr.io/org/app:v1", service_with_version: "app-v1",
            volume_args: ["--volume", "/data/storage:/rails/storage"],
            ssh_options: { user: "deploy", port: 22, proxy: Jump.new("root@bastion.example.com"), keepalive: true,
                           keepalive_interval: 30, keys_only: true, log_level: :fatal },
            sshkit: raw["sshkit"] || {}, builder: raw["builder"] || {}, accessories: raw["accessories"],
            logging: ["--log-driver", '"json-file"', "--log-opt", 'max-size="100m"']
          }.compact.to_yaml)`;
        const ruby = spawnSync("ruby", ["-e", script], { cwd, encoding: "utf8" });
        expect(ruby.stderr).toBe("");
        expect(ruby.stdout).toBe(STAGING);
        expect(run({ destination: "staging" })).toBe(ruby.stdout);
      },
    );

    it("appends dhow's own fields only with --extended, after Kamal's, with Symbol keys", () => {
      const plain = run();
      expect(plain).not.toMatch(/^:(service|latest_image|proxy_hosts):/m);
      const extended = run({ extended: true });
      expect(extended.startsWith(plain)).toBe(true);
      const extra = extended.slice(plain.length);
      expect(extra).toMatch(/^:service: app$/m);
      expect(extra).toMatch(/^:latest_image: ghcr\.io\/org\/app:latest$/m);
      expect(extra).toMatch(/^:proxy_hosts:\n- 10\.0\.0\.1\n- 10\.0\.0\.2$/m);
    });

    it("keeps --json as before: plain keys, Kamal's fields then dhow's", () => {
      const document = JSON.parse(run({ json: true })) as Record<string, unknown>;
      expect(Object.keys(document).slice(0, 4)).toEqual(["roles", "hosts", "primary_host", "version"]);
      expect(document.ssh_options).toMatchObject({ proxy: "root@bastion.example.com", log_level: "fatal" });
      expect(document.service).toBe("app");
    });
  });

  it("prints ssh settings as Kamal's Ssh#to_h does: proxy_command object, key_data redacted, log_level as written", () => {
    write("config/deploy.yml", [
      "service: app",
      "image: org/app",
      "servers: [ 10.0.0.1 ]",
      "registry:",
      "  server: localhost:5555",
      "ssh:",
      "  user: app",
      "  port: 2222",
      "  proxy_command: ssh -W %h:%p bastion",
      "  key_data: [ SSH_PRIVATE_KEY ]",
      "  forward_agent: false",
      "  log_level: debug",
      "sshkit:",
      "  max_concurrent_starts: 10",
      "builder:",
      "  arch: arm64",
    ]);
    expect(run()).toContain(
      [
        ":ssh_options:",
        "  :user: app",
        "  :port: 2222",
        "  :proxy: !ruby/object:Net::SSH::Proxy::Command",
        "    command_line_template: ssh -W %h:%p bastion",
        "    command_line:",
        "    timeout: 60",
        "  :keepalive: true",
        "  :keepalive_interval: 30",
        "  :key_data:",
        '  - "[REDACTED]"',
        "  :forward_agent: false",
        "  :log_level: debug",
        ":sshkit:",
        "  max_concurrent_starts: 10",
        ":builder:",
        "  arch: arm64",
        ":logging:",
        '- "--log-opt"',
        '- max-size="10m"',
        "",
      ].join("\n"),
    );
  });
});
