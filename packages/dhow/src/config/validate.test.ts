import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors.js";
import { KAMAL1_HINT_PREFIX } from "./kamal1-hints.js";
import { loadConfigFile } from "./load/load-file.js";
import { KAMAL_COMPAT_VERSION as KAMAL_VERSION } from "../version.js";
import { type ValidateConfigOptions, validateConfig } from "./validate.js";

/** The valid base of Kamal's test/configuration/validation_test.rb. */
const VALID = {
  service: "app",
  image: "app",
  builder: { arch: "amd64" },
  registry: { username: "user", password: "secret" },
  servers: ["1.1.1.1"],
};

/** The base of Kamal's test/configuration_test.rb. */
const DEPLOY = {
  service: "app",
  image: "dhh/app",
  registry: { username: "dhh", password: "secret" },
  builder: { arch: "amd64" },
  env: { REDIS_URL: "redis://x/y" },
  servers: ["1.1.1.1", "1.1.1.2"],
  volumes: ["/local/path:/container/path"],
};

const DEPLOY_WITH_ROLES = {
  ...DEPLOY,
  servers: { web: ["1.1.1.1", "1.1.1.2"], workers: { hosts: ["1.1.1.1", "1.1.1.3"] } },
};

function errorOf(config: Record<string, unknown>, options: ValidateConfigOptions = {}): string | undefined {
  try {
    validateConfig(config, options);
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
}

function invalid(overrides: Record<string, unknown>): string | undefined {
  return errorOf({ ...VALID, ...overrides });
}

describe("validateConfig: Kamal's validation_test.rb", () => {
  it("valid config passes", () => {
    expect(errorOf(VALID)).toBeUndefined();
    expect(errorOf(DEPLOY)).toBeUndefined();
    expect(errorOf(DEPLOY_WITH_ROLES)).toBeUndefined();
  });

  it("unknown root key", () => {
    expect(invalid({ unknown: "value" })).toBe("unknown key: unknown");
    expect(invalid({ unknown: "value", unknown2: "value" })).toBe("unknown keys: unknown, unknown2");
  });

  it.each(["service", "image", "asset_path", "hooks_path", "primary_role", "minimum_version", "run_directory"])(
    "wrong root type: %s should be a string",
    (key) => {
      expect(invalid({ [key]: [] })).toBe(`${key}: should be a string`);
    },
  );

  it.each(["require_destination", "allow_empty_roles"])("wrong root type: %s should be a boolean", (key) => {
    expect(invalid({ [key]: "foo" })).toBe(`${key}: should be a boolean`);
  });

  it.each(["deploy_timeout", "drain_timeout", "retain_containers", "readiness_delay"])(
    "wrong root type: %s should be an integer",
    (key) => {
      expect(invalid({ [key]: "foo" })).toBe(`${key}: should be an integer`);
    },
  );

  it.each(["labels", "registry", "accessories", "env", "ssh", "sshkit", "builder", "proxy", "boot", "logging"])(
    "wrong root type: %s should be a hash",
    (key) => {
      expect(invalid({ [key]: [] })).toBe(`${key}: should be a hash`);
    },
  );

  it.each<[string, Record<string, unknown>]>([
    ["volumes: should be an array", { volumes: "foo" }],
    ["servers: should be an array or a hash", { servers: "foo" }],
    ["servers/0: should be a string or a hash", { servers: [[]] }],
    ["servers/0: multiple hosts found", { servers: [{ a: "b", c: "d" }] }],
    ["servers/0/foo: should be a string or an array", { servers: [{ foo: {} }] }],
    ["servers/0/foo/0: should be a string", { servers: [{ foo: [[]] }] }],
    ["servers/web: should be an array or a hash", { servers: { web: "foo" } }],
    ["servers/web/hosts: should be an array", { servers: { web: { hosts: "" } } }],
    ["servers/web/hosts/0: should be a string or a hash", { servers: { web: { hosts: [[]] } } }],
    ["servers/web/options: should be a hash", { servers: { web: { options: "" } } }],
    ["servers/web/logging/options: should be a hash", { servers: { web: { logging: { options: "" } } } }],
    ["servers/web/logging/driver: should be a string", { servers: { web: { logging: { driver: [] } } } }],
    [
      "servers/web/labels/service: invalid label. destination, role, and service are reserved labels",
      { servers: { web: { labels: { service: "foo" } } } },
    ],
    ["servers/web/labels: should be a hash", { servers: { web: { labels: [] } } }],
    ["servers/web/env: should be a hash", { servers: { web: { env: [] } } }],
    [
      "servers/web/env: tags are only allowed in the root env",
      { servers: { web: { hosts: ["1.1.1.1"], env: { tags: {} } } } },
    ],
    ["registry/username: is required", { registry: {} }],
    ["registry/password: is required", { registry: { username: "foo" } }],
    [
      "registry/password: should be a string or an array with one string (for secret lookup)",
      { registry: { username: "foo", password: ["SECRET1", "SECRET2"] } },
    ],
    ["registry/server: should be a string", { registry: { username: "foo", password: "bar", server: [] } }],
    ["accessories/accessory1: should be a hash", { accessories: { accessory1: [] } }],
    ["accessories/accessory1: unknown key: unknown", { accessories: { accessory1: { unknown: "baz" } } }],
    ["accessories/accessory1/options: should be a hash", { accessories: { accessory1: { options: [] } } }],
    [
      "accessories/accessory1/labels/destination: invalid label. destination, role, and service are reserved labels",
      { accessories: { accessory1: { host: "host", labels: { destination: "foo" } } } },
    ],
    ["accessories/accessory1/host: should be a string", { accessories: { accessory1: { host: [] } } }],
    ["accessories/accessory1/env: should be a hash", { accessories: { accessory1: { env: [] } } }],
    [
      "accessories/accessory1/env: tags are only allowed in the root env",
      { accessories: { accessory1: { host: "host", env: { tags: {} } } } },
    ],
    ["env: should be a hash", { env: [] }],
    ["env/FOO: should be a string", { env: { FOO: [] } }],
    ["env/clear/FOO: should be a string", { env: { clear: { FOO: [] } } }],
    ["env/secret: should be an array", { env: { secret: { FOO: [] } } }],
    ["env/secret/0: should be a string", { env: { secret: [[]] } }],
    ["env/tags: should be a hash", { env: { tags: [] } }],
    ["env/tags/tag1: should be a hash", { env: { tags: { tag1: "foo" } } }],
    ["env/tags/tag1/FOO: should be a string", { env: { tags: { tag1: { FOO: [] } } } }],
    ["env/tags/tag1/clear/FOO: should be a string", { env: { tags: { tag1: { clear: { FOO: [] } } } } }],
    ["env/tags/tag1/secret: should be an array", { env: { tags: { tag1: { secret: {} } } } }],
    ["env/tags/tag1/secret/0: should be a string", { env: { tags: { tag1: { secret: [[]] } } } }],
    ["env/tags/tag1: tags are only allowed in the root env", { env: { tags: { tag1: { tags: {} } } } }],
    ["ssh: unknown key: foo", { ssh: { foo: "bar" } }],
    ["ssh/user: should be a string", { ssh: { user: [] } }],
    ["sshkit: unknown key: foo", { sshkit: { foo: "bar" } }],
    ["sshkit/max_concurrent_starts: should be an integer", { sshkit: { max_concurrent_starts: "foo" } }],
    ["builder: unknown key: foo", { builder: { foo: "bar" } }],
    ["builder/remote: should be a string", { builder: { remote: { foo: "bar" } } }],
    ["builder/arch: should be an array or a string", { builder: { arch: {} } }],
    ["builder/args: should be a hash", { builder: { args: ["foo"] } }],
    ["builder/cache/options: should be a string", { builder: { cache: { options: [] } } }],
  ])("%s", (message, overrides) => {
    expect(invalid(overrides)).toBe(message);
  });
});

describe("validateConfig: Kamal's configuration_test.rb", () => {
  it.each([
    ["service", "Missing required configuration for service"],
    ["image", "Missing required configuration for image"],
    // Without a registry section the registry validator still runs on `{}` (Kamal's default).
    ["registry", "registry/username: is required"],
  ])("%s config required", (key, message) => {
    const config: Record<string, unknown> = { ...DEPLOY };
    delete config[key];
    expect(errorOf(config)).toBe(message);
  });

  it.each(["username", "password"])("registry %s required", (key) => {
    const registry: Record<string, unknown> = { ...DEPLOY.registry };
    delete registry[key];
    expect(errorOf({ ...DEPLOY, registry })).toBe(`registry/${key}: is required`);
  });

  it("service name valid / invalid", () => {
    expect(errorOf({ ...DEPLOY, service: "hey-app1_primary" })).toBeUndefined();
    expect(errorOf({ ...DEPLOY, service: "MyApp" })).toBeUndefined();
    expect(errorOf({ ...DEPLOY, service: "app.com" })).toBe(
      "Service name can only include alphanumeric characters, hyphens, and underscores",
    );
  });

  it.each<[string, unknown]>([
    ["servers: []", []],
    ["web: []", { web: [] }],
    ["web: {}", { web: {} }],
    ["web hosts: []", { web: { hosts: [] } }],
  ])("hosts required for all roles (%s)", (_name, servers) => {
    expect(errorOf({ ...DEPLOY, servers })).toBe("No servers specified for the web primary_role");
  });

  it("hosts required for all roles (web hosts: nil)", () => {
    expect(errorOf({ ...DEPLOY, servers: { web: { hosts: null } } })).toBe("servers/web/hosts: should be an array");
  });

  it("one role with hosts, one without", () => {
    expect(errorOf({ ...DEPLOY, servers: { web: ["web"], workers: { hosts: [] } } })).toBe(
      "No servers specified for the workers role. You can ignore this with allow_empty_roles: true",
    );
  });

  it("allow_empty_roles", () => {
    expect(
      errorOf({ ...DEPLOY, servers: { web: ["web"], workers: { hosts: [] } }, allow_empty_roles: true }),
    ).toBeUndefined();
    expect(errorOf({ ...DEPLOY, servers: { web: [], workers: { hosts: [] } }, allow_empty_roles: true })).toBe(
      "No servers specified for the web primary_role",
    );
  });

  it("minimum version", () => {
    expect(errorOf({ ...DEPLOY, minimum_version: "0.0.1" })).toBeUndefined();
    expect(errorOf({ ...DEPLOY, minimum_version: KAMAL_VERSION })).toBeUndefined();
    expect(errorOf({ ...DEPLOY, minimum_version: "2.12.0.rc1" })).toBeUndefined();
    expect(errorOf({ ...DEPLOY, minimum_version: "10000.0.0" })).toBe(
      "Current version is 2.12.0, minimum required is 10000.0.0",
    );
    expect(errorOf({ ...DEPLOY, minimum_version: "2.13" })).toBe("Current version is 2.12.0, minimum required is 2.13");
  });

  it("primary role", () => {
    const config = {
      ...DEPLOY_WITH_ROLES,
      servers: { ...DEPLOY_WITH_ROLES.servers, alternate_web: { hosts: ["1.1.1.4", "1.1.1.5"] } },
      primary_role: "alternate_web",
    };
    expect(errorOf(config)).toBeUndefined();
    expect(errorOf({ ...DEPLOY, primary_role: "bar" })).toBe("The primary_role bar isn't defined");
  });

  it("retain_containers", () => {
    expect(errorOf({ ...DEPLOY_WITH_ROLES, retain_containers: 2 })).toBeUndefined();
    expect(errorOf({ ...DEPLOY_WITH_ROLES, retain_containers: 0 })).toBe("Must retain at least 1 container");
  });

  it("destination required", () => {
    expect(errorOf({ ...DEPLOY, require_destination: true })).toBe("You must specify a destination");
    expect(errorOf({ ...DEPLOY, require_destination: true }, { destination: "world" })).toBeUndefined();
  });

  it("extensions (x- keys) are ignored at the root only", () => {
    expect(errorOf({ ...DEPLOY, "x-web": { hosts: ["1.1.1.1"] } })).toBeUndefined();
    expect(errorOf({ ...DEPLOY, builder: { arch: "amd64", "x-foo": 1 } })).toBe("builder: unknown key: x-foo");
  });

  it("traefik hooks raise error", () => {
    const cwd = mkdtempSync(join(tmpdir(), "dhow-hooks-"));
    try {
      mkdirSync(join(cwd, ".kamal/hooks"), { recursive: true });
      writeFileSync(join(cwd, ".kamal/hooks/post-traefik-reboot"), "");
      writeFileSync(join(cwd, ".kamal/hooks/pre-traefik-reboot"), "");
      expect(errorOf(DEPLOY, { cwd })).toBe(
        "Found pre-traefik-reboot, post-traefik-reboot, these should be renamed to (pre|post)-proxy-reboot",
      );
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it("proxy ssl roles with no host", () => {
    const servers = { ...DEPLOY_WITH_ROLES.servers, workers: { hosts: ["1.1.1.1", "1.1.1.3"], proxy: { ssl: true } } };
    expect(errorOf({ ...DEPLOY_WITH_ROLES, servers })).toBe(
      "servers/workers/proxy: Must set a host to enable automatic SSL",
    );
  });

  it("proxy ssl roles with multiple servers", () => {
    const workers = { hosts: ["1.1.1.1", "1.1.1.3"], proxy: { ssl: true, host: "foo.example.com" } };
    expect(errorOf({ ...DEPLOY_WITH_ROLES, servers: { ...DEPLOY_WITH_ROLES.servers, workers } })).toBe(
      "SSL is only supported on a single server unless you provide custom certificates, found 2 servers for role workers",
    );
    const custom = {
      ...workers,
      proxy: { host: "foo.example.com", ssl: { certificate_pem: "C", private_key_pem: "K" } },
    };
    expect(
      errorOf({ ...DEPLOY_WITH_ROLES, servers: { ...DEPLOY_WITH_ROLES.servers, workers: custom } }),
    ).toBeUndefined();
  });

  it("two proxy ssl roles with same host", () => {
    const role = { hosts: ["1.1.1.1"], proxy: { ssl: true, host: "foo.example.com" } };
    expect(errorOf({ ...DEPLOY, servers: { web: role, workers: role } })).toBe(
      "Different roles can't share the same host for SSL: foo.example.com",
    );
    const web = { hosts: ["1.1.1.1"], proxy: { ssl: true, hosts: ["foo.example.com", "bar.example.com"] } };
    const workers = { hosts: ["1.1.1.1"], proxy: { ssl: true, hosts: ["www.example.com", "foo.example.com"] } };
    expect(errorOf({ ...DEPLOY, servers: { web, workers } })).toBe(
      "Different roles can't share the same host for SSL: foo.example.com",
    );
  });
});

describe("validateConfig: other Kamal rules", () => {
  it.each<[string, Record<string, unknown>]>([
    ["builder: Invalid cache type: s3", { builder: { arch: "amd64", cache: { type: "s3" } } }],
    ["builder: Cannot disable local builds, no remote is set", { builder: { arch: "amd64", local: false } }],
    [
      "builder: buildpacks only support building for one arch",
      { builder: { arch: ["amd64", "arm64"], pack: { builder: "heroku/builder:24", buildpacks: ["heroku/ruby"] } } },
    ],
    ["proxy: Must set a host to enable automatic SSL", { proxy: { ssl: true } }],
    ["proxy: Specify one of 'host' or 'hosts', not both", { proxy: { host: "a.com", hosts: ["b.com"] } }],
    [
      "proxy: Missing private_key_pem setting (required when certificate_pem is present)",
      { proxy: { host: "a.com", ssl: { certificate_pem: "CERT" } } },
    ],
    [
      "proxy: Missing certificate_pem setting (required when private_key_pem is present)",
      { proxy: { host: "a.com", ssl: { private_key_pem: "KEY" } } },
    ],
    ["proxy/ssl: should be a boolean or a hash", { proxy: { ssl: "yes please" } }],
    ["proxy: should be a hash", { proxy: false }],
    ["proxy/app_port: should be an integer", { proxy: { app_port: "3000" } }],
    [
      "proxy: Cannot set http_port, https_port or bind_ips when publish is false",
      { proxy: { run: { publish: false, http_port: 8080 } } },
    ],
    ["proxy/run: unknown key: foo", { proxy: { run: { foo: 1 } } }],
    ["proxy/hosts/0: should be a string or a hash", { proxy: { hosts: [[]] } }],
    ["servers/web/proxy: should be a hash", { servers: { web: { hosts: ["1.1.1.1"], proxy: "yes" } } }],
    [
      'servers/web/options/restart: should be a string. Use "no" to disable restarts',
      { servers: { web: { hosts: ["1.1.1.1"], options: { restart: false } } } },
    ],
    [
      "servers/web/options/restart: should be no, always, unless-stopped, on-failure, or on-failure:N",
      { servers: { web: { hosts: ["1.1.1.1"], options: { restart: "sometimes" } } } },
    ],
    [
      "accessories/db: specify one of `host`, `hosts`, `role`, `roles`, `tag` or `tags`",
      { accessories: { db: { image: "mysql" } } },
    ],
    [
      "accessories/db: specify one of `host`, `hosts`, `role`, `roles`, `tag` or `tags`",
      { accessories: { db: { image: "mysql", host: "a", role: "web" } } },
    ],
    [
      "accessories/db: unknown roles jobs, db",
      { accessories: { db: { image: "mysql", roles: ["web", "jobs", "db"] } } },
    ],
    ["accessories/db: unknown role jobs", { accessories: { db: { image: "mysql", role: "jobs" } } }],
    [
      "accessories/db/files/1: should be a string or a hash",
      { accessories: { db: { host: "a", files: [1.5e300, []] } } },
    ],
    ["accessories/db/files/0/mode: should be a string", { accessories: { db: { host: "a", files: [{ mode: [] }] } } }],
    ["accessories/db/proxy: should be a hash", { accessories: { db: { host: "a", proxy: true } } }],
    [
      "accessories/db/registry/username: is required",
      { accessories: { db: { host: "a", registry: { server: "r" } } } },
    ],
    [
      "aliases/Console: Invalid alias name: 'Console'. Must only contain lowercase letters, alphanumeric, hyphens and underscores.",
      { aliases: { Console: "app exec" } },
    ],
    ["aliases/deploy: Alias 'deploy' conflicts with a built-in command.", { aliases: { deploy: "deploy -d x" } }],
    ["aliases/x: should be a string", { aliases: { x: ["a"] } }],
    ["ssh/config: should be a boolean or a string or an array", { ssh: { config: 1 } }],
    ["ssh/keys/0: should be a string", { ssh: { keys: [{}] } }],
    ["boot/wait: should be an integer", { boot: { wait: "10s" } }],
    ["hooks_output/pre-deploy: should be a string or a symbol", { hooks_output: { "pre-deploy": [] } }],
    ["Invalid hooks_output 'loud', must be one of: quiet, verbose", { hooks_output: "loud" }],
    [
      "Invalid hooks_output 'loud' for hook 'pre-deploy', must be one of: quiet, verbose",
      { hooks_output: { "pre-deploy": "loud" } },
    ],
    ["output/file: unknown key: dir", { output: { file: { dir: "/tmp" } } }],
    ["Missing required configuration for image", { image: "" }],
    ["No servers or accessories specified", { servers: undefined }],
    ["Malformed version number string 1.x.y!", { minimum_version: "1.x.y!" }],
    [
      "Local registry with remote builder requires an SSH URL (e.g., ssh://user@host)",
      { registry: { server: "localhost:5555" }, builder: { arch: "amd64", remote: "tcp://builder", local: false } },
    ],
  ])("%s", (message, overrides) => {
    const config = { ...VALID, ...overrides };
    for (const [key, value] of Object.entries(overrides))
      if (value === undefined) delete (config as Record<string, unknown>)[key];
    expect(errorOf(config)).toBe(message);
  });

  it.each<[string, Record<string, unknown>]>([
    [
      "a local registry needs no credentials and defaults image to the service",
      { registry: { server: "localhost:5555" }, image: undefined },
    ],
    ["hooks_output symbols", { hooks_output: "verbose" }],
    ["ssh config as string, boolean or list", { ssh: { config: ["~/.ssh/a"], port: "2222", keys_only: false } }],
    ["env clear values may be numbers and booleans", { env: { clear: { PORT: 3000, DEBUG: false, RATIO: 0.5 } } }],
    [
      "accessory port as integer",
      {
        accessories: {
          db: { host: "a", image: "mysql", port: 3306, files: ["a:/b", { local: "x", remote: "/y", mode: "0600" }] },
        },
      },
    ],
    ["accessories with only servers from roles", { accessories: { db: { roles: ["web"], image: "x" } } }],
    [
      "proxy boolean per role",
      { servers: { web: { hosts: ["1.1.1.1"], proxy: false }, jobs: { hosts: ["1.1.1.2"], proxy: true } } },
    ],
    ["registry username as a one-item secret list", { registry: { username: ["USER"], password: ["PASS"] } }],
    ["builder arch list with remote", { builder: { arch: ["amd64", "arm64"], remote: "ssh://me@builder" } }],
    [
      "identical proxy run configs on one host",
      {
        servers: { web: ["1.1.1.1"], jobs: { hosts: ["1.1.1.1"], proxy: { host: "j.com" } } },
        proxy: { host: "w.com", run: { log_max_size: "20m" } },
      },
    ],
  ])("accepts: %s", (_name, overrides) => {
    const config = { ...VALID, ...overrides };
    for (const [key, value] of Object.entries(overrides))
      if (value === undefined) delete (config as Record<string, unknown>)[key];
    expect(errorOf(config)).toBeUndefined();
  });

  it("rejects different proxy run configs on one host", () => {
    const servers = {
      web: { hosts: ["1.2.3.4"], proxy: { hosts: ["example.com"], run: { log_max_size: "5m" } } },
      worker: { hosts: ["1.2.3.4"], proxy: { hosts: ["worker.example.com"], run: { log_max_size: "10m" } } },
    };
    expect(errorOf({ ...VALID, servers })).toBe("Conflicting proxy run configurations for host 1.2.3.4");
  });

  it("validates a role's proxy merged over the root proxy as `proxy`", () => {
    const servers = { web: { hosts: ["1.1.1.1"], proxy: { hosts: ["b.com"] } } };
    expect(errorOf({ ...VALID, servers, proxy: { host: "a.com" } })).toBe(
      "proxy: Specify one of 'host' or 'hosts', not both",
    );
  });

  it("every error carries Kamal's key path", () => {
    try {
      validateConfig({ ...VALID, servers: { web: { hosts: "x" } } });
    } catch (error) {
      expect((error as ConfigError).keyPath).toBe("servers/web/hosts");
    }
    try {
      validateConfig({ ...VALID, nope: 1 });
    } catch (error) {
      expect((error as ConfigError).keyPath).toBe("nope");
    }
  });
});

describe("validateConfig: Kamal 1 configs get a migration hint", () => {
  it("keeps Kamal's wording first", () => {
    expect(invalid({ builder: {} })?.startsWith("builder: Builder arch not set. ")).toBe(true);
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      "traefik",
      { traefik: { args: {} } },
      "unknown key: traefik. Kamal 1 → 2: Kamal 2 replaced Traefik with kamal-proxy",
    ],
    [
      "root healthcheck",
      { healthcheck: { path: "/up" } },
      "unknown key: healthcheck. Kamal 1 → 2: move the root `healthcheck:` to `proxy: healthcheck:`",
    ],
    ["builder.multiarch", { builder: { multiarch: false } }, "builder: unknown key: multiarch. Kamal 1 → 2:"],
    [
      "role traefik",
      { servers: { web: { hosts: ["1.1.1.1"], traefik: true } } },
      "servers/web: unknown key: traefik. Kamal 1 → 2: per-role `traefik:` is gone",
    ],
    [
      "builder local hash",
      { builder: { arch: "amd64", local: { arch: "arm64", host: "unix:///x" } } },
      "builder/local: should be a boolean. Kamal 1 → 2:",
    ],
    [
      "missing arch",
      { builder: { args: {} } },
      "builder: Builder arch not set. Kamal 1 → 2: Kamal 2 requires `builder: arch:`",
    ],
  ])("%s", (_name, overrides, start) => {
    const message = invalid(overrides);
    expect(message?.startsWith(start)).toBe(true);
    expect(message).toContain(KAMAL1_HINT_PREFIX);
  });
});

describe("validateConfig with a loaded file: errors point at file and line", () => {
  it("appends (file:line:column) of the offending value", () => {
    const cwd = mkdtempSync(join(tmpdir(), "dhow-validate-"));
    try {
      mkdirSync(join(cwd, "config"));
      writeFileSync(
        join(cwd, "config/deploy.yml"),
        "service: app\nimage: app\nregistry:\n  username: u\n  password: p\nbuilder:\n  arch: amd64\nservers:\n  web:\n    hosts: 1.1.1.1\n",
      );
      writeFileSync(join(cwd, "config/deploy.staging.yml"), "proxy:\n  ssl: true\n  app_port: three\n");
      const base = loadConfigFile({ file: "config/deploy.yml", cwd, env: {} });
      expect(() => validateConfig(base.raw, { locate: base.locate, file: "config/deploy.yml" })).toThrow(
        "servers/web/hosts: should be an array (config/deploy.yml:10:12)",
      );
      const staging = loadConfigFile({ file: "config/deploy.yml", destination: "staging", cwd, env: {} });
      expect(() => validateConfig(staging.raw, { locate: staging.locate, destination: "staging" })).toThrow(
        "servers/web/hosts: should be an array (config/deploy.yml:10:12)",
      );
      writeFileSync(
        join(cwd, "config/deploy.yml"),
        "service: app\nimage: app\nregistry: {username: u, password: p}\nbuilder: {arch: amd64}\nservers: [1.1.1.1]\nfoo: 1\n",
      );
      const unknown = loadConfigFile({ file: "config/deploy.yml", cwd, env: {} });
      expect(() => validateConfig(unknown.raw, { locate: unknown.locate })).toThrow(
        "unknown key: foo (config/deploy.yml:6:6)",
      );
      const dest = loadConfigFile({ file: "config/deploy.yml", destination: "staging", cwd, env: {} });
      const { foo: _foo, ...withoutFoo } = dest.raw;
      expect(() => validateConfig(withoutFoo, { locate: dest.locate })).toThrow(
        "proxy/app_port: should be an integer (config/deploy.staging.yml:3:13)",
      );
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
