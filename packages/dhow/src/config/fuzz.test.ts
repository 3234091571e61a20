/**
 * 10,000 randomly mutated configs (seeded, so failures reproduce) go through loadConfigFile + validateConfig.
 * The only acceptable outcomes are success or a ConfigError; structural mutations (valid YAML) must also
 * give the key path of the problem. Text mutations (broken YAML, stray ERB) must still give a ConfigError.
 */
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { ConfigError } from "../errors.js";
import { loadConfigFile } from "./load/load-file.js";
import { isHash } from "../ruby.js";
import { validateConfig } from "./validate.js";

const ITERATIONS = 10_000;

const BASES: Record<string, unknown>[] = [
  {
    service: "app",
    image: "org/app",
    labels: { team: "core" },
    volumes: ["/data:/data"],
    registry: { server: "ghcr.io", username: "me", password: ["KAMAL_REGISTRY_PASSWORD"] },
    servers: {
      web: { hosts: ["1.1.1.1", { "1.1.1.2": ["east"] }], labels: { a: "b" }, options: { memory: "1g" } },
      jobs: { hosts: ["1.1.1.3"], cmd: "bin/jobs", env: { clear: { QUEUE: "*" } }, proxy: false },
    },
    env: {
      clear: { PORT: 3000, DEBUG: false },
      secret: ["SECRET_KEY_BASE", "DB:MAIN_DB"],
      tags: { east: { TZ: "EST" } },
    },
    proxy: {
      host: "app.example.com",
      ssl: true,
      app_port: 3000,
      healthcheck: { path: "/up", interval: 3, timeout: 5 },
      buffering: { requests: true, max_request_body: 1000 },
      run: { http_port: 80, log_max_size: "20m", options: { label: ["x"] } },
    },
    builder: { arch: ["amd64"], cache: { type: "registry", options: "mode=max" }, args: { A: "1" }, secrets: ["S"] },
    accessories: {
      db: {
        image: "postgres:16",
        host: "1.1.1.4",
        port: 5432,
        env: { secret: ["POSTGRES_PASSWORD"] },
        files: ["a:/b"],
      },
      redis: { image: "redis", roles: ["web"], directories: [{ local: "data", remote: "/data", mode: "0700" }] },
    },
    ssh: { user: "deploy", port: "22", keys: ["~/.ssh/id"], config: true },
    sshkit: { max_concurrent_starts: 10 },
    boot: { limit: "25%", wait: 2 },
    logging: { driver: "json-file", options: { "max-size": "10m" } },
    aliases: { console: "app exec -i bin/rails console" },
    hooks_output: { "pre-deploy": "verbose" },
    retain_containers: 3,
    minimum_version: "2.0.0",
    "x-extra": { anything: [1, 2] },
  },
  {
    service: "api",
    image: "api",
    registry: { server: "localhost:5555" },
    servers: ["10.0.0.1", "10.0.0.2"],
    proxy: { hosts: ["a.com", "b.com"], ssl: { certificate_pem: "CERT", private_key_pem: "KEY" } },
    builder: { arch: "arm64", remote: "ssh://me@builder", local: false },
    primary_role: "web",
    require_destination: false,
    allow_empty_roles: true,
    output: { file: { path: "/tmp/logs" } },
  },
  {
    service: "small",
    image: "small",
    registry: { username: "u", password: "p" },
    servers: { web: ["1.1.1.1"] },
    builder: { arch: "amd64" },
    accessories: { db: { image: "mysql", role: "web", options: { restart: "always" } } },
  },
];

/** mulberry32: a small, seeded PRNG. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = [
  "hosts",
  "host",
  "ssl",
  "run",
  "proxy",
  "env",
  "clear",
  "secret",
  "tags",
  "arch",
  "options",
  "labels",
  "roles",
  "role",
  "tag",
  "files",
  "x-ext",
  "traefik",
  "healthcheck",
  "unknown",
  "<<",
  "restart",
  "config",
  "cmd",
  "image",
  "registry",
  "username",
  "password",
  "server",
  "service",
  "publish",
  "bind_ips",
  "web",
  "0",
];

function randomValue(random: () => number, depth = 0): unknown {
  const choice = Math.floor(random() * 14);
  switch (choice) {
    case 0:
      return null;
    case 1:
      return random() < 0.5;
    case 2:
      return Math.floor(random() * 100) - 10;
    case 3:
      return random() * 10;
    case 4:
      return "";
    case 5:
      return "localhost:5000";
    case 6:
      return ["no", "always", "on-failure:3", "sometimes", "quiet", "verbose", "amd64", "ssh://x"][
        Math.floor(random() * 8)
      ];
    case 7:
      return `1.1.1.${Math.floor(random() * 4)}`;
    case 8:
      return depth > 2 ? [] : [randomValue(random, depth + 1), randomValue(random, depth + 1)];
    case 9:
      return depth > 2 ? {} : { [KEYS[Math.floor(random() * KEYS.length)]!]: randomValue(random, depth + 1) };
    case 10:
      return [];
    case 11:
      return {};
    case 12:
      return new Date(Date.UTC(2024, 0, 1));
    default:
      return "a string";
  }
}

/** Every container (hash or array) in the tree, with a way to change one of its entries. */
function containers(value: unknown, found: unknown[] = []): unknown[] {
  if (Array.isArray(value) || isHash(value)) {
    found.push(value);
    for (const child of Array.isArray(value) ? value : Object.values(value)) containers(child, found);
  }
  return found;
}

function mutate(config: Record<string, unknown>, random: () => number): void {
  const all = containers(config);
  const target = all[Math.floor(random() * all.length)]!;
  const pick = <T>(items: T[]): T | undefined => items[Math.floor(random() * items.length)];
  if (Array.isArray(target)) {
    const op = Math.floor(random() * 3);
    if (op === 0 && target.length > 0) target.splice(Math.floor(random() * target.length), 1);
    else if (op === 1) target.push(randomValue(random));
    else if (target.length > 0) target[Math.floor(random() * target.length)] = randomValue(random);
    return;
  }
  const hash = target as Record<string, unknown>;
  const key = pick(Object.keys(hash));
  const op = Math.floor(random() * 5);
  if (op === 0 && key !== undefined) delete hash[key];
  else if (op === 1 || key === undefined) hash[pick(KEYS)!] = randomValue(random);
  else if (op === 2) hash[key] = randomValue(random);
  else if (op === 3) hash[key] = [hash[key]];
  else hash[`${key}_renamed`] = hash[key];
}

const TEXT_NOISE = [
  "\t",
  ":",
  "- ",
  "&a ",
  "*a",
  "<<: *a\n",
  "<%= ENV['X'] %>",
  "<%= ENV.fetch('Y') %>",
  "<% if ENV['Z'] %>",
  "<% end %>",
  "<%",
  "%>",
  "{",
  "]",
  "'",
  '"',
  "!ruby/object:Foo ",
  "!!int ",
  "\n  ",
  "#",
  "? ",
  "---\n",
];

describe("fuzz: mutated configs give only ConfigErrors", () => {
  it(`${ITERATIONS} seeded mutations: success or a path-qualified ConfigError, nothing else`, () => {
    const random = prng(20_250_612);
    const file = "/fuzz/config/deploy.yml";
    const files = new Map<string, string>();
    const readFile = (path: string) => {
      const text = files.get(path);
      if (text === undefined) throw Object.assign(new Error("ENOENT"), { code: "ENOENT" });
      return text;
    };
    const outcomes = { ok: 0, structural: 0, text: 0 };
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0; // thousands of expected errors: their stacks are never read
    try {
      for (let iteration = 0; iteration < ITERATIONS; iteration++) {
        // The full base every fourth time, the smaller ones otherwise (keeps the run well under 10 s).
        const config = structuredClone(BASES[iteration % 4 === 0 ? 0 : 1 + (iteration % 2)]!);
        const mutations = 1 + Math.floor(random() * 4);
        for (let count = 0; count < mutations; count++) mutate(config, random);
        const textual = random() < 0.2;
        // JSON is YAML too (flow style) and much cheaper to produce; text mutations use block style.
        let text = textual ? stringify(config) : JSON.stringify(config);
        if (textual) {
          const position = Math.floor(random() * text.length);
          const noise = TEXT_NOISE[Math.floor(random() * TEXT_NOISE.length)]!;
          text = random() < 0.7 ? text.slice(0, position) + noise + text.slice(position) : text.slice(0, position);
        }
        files.set(file, text);
        const destination = random() < 0.3 ? "staging" : undefined;
        if (destination) files.set("/fuzz/config/deploy.staging.yml", JSON.stringify({ env: { clear: { D: 1 } } }));
        try {
          const loaded = loadConfigFile({ file, cwd: "/fuzz", env: { Z: "1" }, destination, readFile });
          validateConfig(loaded.raw, { locate: loaded.locate, file, destination });
          outcomes.ok++;
        } catch (error) {
          if (!(error instanceof ConfigError)) {
            throw new Error(`iteration ${iteration} threw ${String(error)}\n--- config ---\n${text}`, { cause: error });
          }
          if (textual) {
            outcomes.text++;
          } else {
            outcomes.structural++;
            if (!error.keyPath) throw new Error(`iteration ${iteration}: no key path for "${error.message}"\n${text}`);
          }
        }
      }
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
    expect(outcomes.ok + outcomes.structural + outcomes.text).toBe(ITERATIONS);
    expect(outcomes.structural).toBeGreaterThan(ITERATIONS / 4);
    expect(outcomes.ok).toBeGreaterThan(0);
  });
});
