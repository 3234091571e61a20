import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { secretReferences } from "../../config/secret-references.js";
import { captureLogger } from "../../output/logger.js";
import { RecordingExecutor } from "../../testing/recording-executor.js";
import { bootAccessory } from "../accessory/boot.js";
import { appBoot } from "../app/boot.js";
import { buildPush } from "../build/push.js";
import { createContext } from "./create-context.js";
import { deploy } from "../main/deploy.js";
import { BUILD_FACTS, localDocker } from "../../testing/deploy-fixtures.js";
import { redeploy } from "../main/redeploy.js";
import { MissingSecretsError, requireSecrets } from "./require-secrets.js";
import { setup } from "../main/setup.js";
import { testContext } from "../../testing/test-context.js";
import { upgrade } from "../main/upgrade.js";
import { proxyUpgrade } from "../proxy/upgrade.js";

/** web on two hosts (one tagged `eu`) behind a proxy with a custom certificate, workers, a db accessory. */
const CONFIG = `
service: app
image: me/app
servers:
  web:
    hosts:
      - 10.0.0.1
      - 10.0.0.2: eu
  workers:
    hosts:
      - 10.0.0.3
    env:
      secret:
        - JOBS_TOKEN
registry:
  server: registry.example.com
  username: me
  password:
    - KAMAL_REGISTRY_PASSWORD
builder:
  arch: amd64
  secrets:
    - GITHUB_TOKEN
proxy:
  host: app.example.com
  ssl:
    certificate_pem: CERT_PEM
    private_key_pem: KEY_PEM
env:
  secret:
    - RAILS_MASTER_KEY
    - DATABASE_PASSWORD:DB_PASSWORD
  tags:
    eu:
      secret:
        - EU_API_KEY
accessories:
  db:
    image: postgres:16
    host: 10.0.0.3
    env:
      secret:
        - POSTGRES_PASSWORD
`;

const ALL_SECRETS = [
  "KAMAL_REGISTRY_PASSWORD",
  "GITHUB_TOKEN",
  "CERT_PEM",
  "KEY_PEM",
  "RAILS_MASTER_KEY",
  "DB_PASSWORD",
  "EU_API_KEY",
  "JOBS_TOKEN",
  "POSTGRES_PASSWORD",
];

/** A project with CONFIG, a secrets file with every secret but `missing`, and a pre-connect hook that leaves a mark. */
function project(missing: readonly string[], options: { secretsFile?: boolean } = {}) {
  const cwd = mkdtempSync(join(tmpdir(), "dhow-secrets-"));
  mkdirSync(join(cwd, "config"));
  mkdirSync(join(cwd, ".kamal", "hooks"), { recursive: true });
  writeFileSync(join(cwd, "config", "deploy.yml"), CONFIG);
  if (options.secretsFile !== false) {
    const lines = ALL_SECRETS.filter((name) => !missing.includes(name)).map((name) => `${name}=value-of-${name}`);
    writeFileSync(join(cwd, ".kamal", "secrets"), `${lines.join("\n")}\n`);
  }
  for (const hook of ["pre-connect", "pre-build", "pre-deploy"]) {
    writeFileSync(join(cwd, ".kamal", "hooks", hook), `#!/bin/sh\ntouch "${join(cwd, `${hook}.ran`)}"\n`);
    chmodSync(join(cwd, ".kamal", "hooks", hook), 0o755);
  }
  return cwd;
}

/** A real context (config and secrets read from the project's files) over a recording executor. */
function contextIn(cwd: string, selection: { roles?: string; hosts?: string } = {}) {
  const executor = new RecordingExecutor();
  const local = localDocker();
  const ctx = createContext({
    command: "deploy",
    skipHooks: false,
    lockWait: false,
    lockWaitTimeout: 900,
    lockWaitInterval: 15,
    version: "v1",
    cwd,
    env: { PATH: process.env["PATH"] },
    logger: captureLogger(),
    configFile: "config/deploy.yml",
    ...selection,
    executor,
    local,
  });
  return { ctx, executor, local };
}

/** Nothing reached a host, nothing ran locally (no docker, no git clone), no hook ran. */
function expectUntouched(cwd: string, executor: RecordingExecutor, local: ReturnType<typeof localDocker>) {
  expect(executor.calls).toEqual([]);
  expect(local.calls.map((call) => [call.file, ...call.args].join(" ")).filter((line) => !/^git /.test(line))).toEqual(
    [],
  );
  for (const hook of ["pre-connect", "pre-build", "pre-deploy"])
    expect(existsSync(join(cwd, `${hook}.ran`))).toBe(false);
}

async function failure(promise: Promise<unknown>): Promise<MissingSecretsError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(MissingSecretsError);
  return error as MissingSecretsError;
}

describe("requireSecrets", () => {
  it("fails a deploy missing a role's env secret before any build, hook or host", async () => {
    const cwd = project(["RAILS_MASTER_KEY"]);
    const { ctx, executor, local } = contextIn(cwd);
    const error = await failure(deploy(ctx, { facts: BUILD_FACTS }));
    expect(error.message).toBe(
      "Secret 'RAILS_MASTER_KEY' not found in .kamal/secrets: env/secret (roles web, workers)",
    );
    expect(error.exitCode).toBe(78);
    expectUntouched(cwd, executor, local);
  });

  it("names every missing secret with where the config names it (setup)", async () => {
    const cwd = project([
      "KAMAL_REGISTRY_PASSWORD",
      "GITHUB_TOKEN",
      "DB_PASSWORD",
      "EU_API_KEY",
      "JOBS_TOKEN",
      "POSTGRES_PASSWORD",
      "KEY_PEM",
    ]);
    const { ctx, executor, local } = contextIn(cwd);
    const error = await failure(setup(ctx, { facts: BUILD_FACTS }));
    expect(error.message).toBe(
      [
        "7 secrets not found in .kamal/secrets:",
        "  KAMAL_REGISTRY_PASSWORD: registry/password (registry login)",
        "  GITHUB_TOKEN: builder/secrets (build)",
        "  DB_PASSWORD: env/secret (roles web, workers)",
        "  EU_API_KEY: env/tags/eu/secret (role web)",
        "  KEY_PEM: proxy/ssl/private_key_pem (role web)",
        "  JOBS_TOKEN: servers/workers/env/secret (role workers)",
        "  POSTGRES_PASSWORD: accessories/db/env/secret (accessory db)",
      ].join("\n"),
    );
    expect(error.missing.map((reference) => reference.secret)).toContain("DB_PASSWORD");
    expectUntouched(cwd, executor, local);
  });

  it("checks redeploy, app boot, accessory boot, build push and the upgrades before they start", async () => {
    for (const [missing, run, expected] of [
      ["JOBS_TOKEN", (ctx) => redeploy(ctx, { facts: BUILD_FACTS }), "servers/workers/env/secret (role workers)"],
      ["CERT_PEM", (ctx) => appBoot(ctx), "proxy/ssl/certificate_pem (role web)"],
      ["POSTGRES_PASSWORD", (ctx) => bootAccessory(ctx, "db"), "accessories/db/env/secret (accessory db)"],
      ["GITHUB_TOKEN", (ctx) => buildPush(ctx, { facts: BUILD_FACTS }), "builder/secrets (build)"],
      ["POSTGRES_PASSWORD", (ctx) => upgrade(ctx, { confirmed: true }), "accessories/db/env/secret (accessory db)"],
      ["EU_API_KEY", (ctx) => proxyUpgrade(ctx, { confirmed: true }), "env/tags/eu/secret (role web)"],
    ] as const satisfies readonly [string, (ctx: ReturnType<typeof contextIn>["ctx"]) => Promise<unknown>, string][]) {
      const cwd = project([missing]);
      const { ctx, executor, local } = contextIn(cwd);
      const error = await failure(run(ctx));
      expect(error.message).toBe(`Secret '${missing}' not found in .kamal/secrets: ${expected}`);
      expectUntouched(cwd, executor, local);
    }
  });

  it("asks only for what the command uses: selected roles and hosts, no accessory for app boot, no build with skip-push", () => {
    const cwd = project(["JOBS_TOKEN", "EU_API_KEY", "POSTGRES_PASSWORD", "GITHUB_TOKEN"]);
    expect(() =>
      requireSecrets(contextIn(cwd, { roles: "web", hosts: "10.0.0.1" }).ctx, { roles: true }),
    ).not.toThrow();
    expect(() => requireSecrets(contextIn(cwd, { roles: "web" }).ctx, { roles: true })).toThrow(
      "Secret 'EU_API_KEY' not found in .kamal/secrets: env/tags/eu/secret (role web)",
    );
    expect(() => requireSecrets(contextIn(cwd, { roles: "workers" }).ctx, { roles: true })).toThrow("JOBS_TOKEN");
    expect(() =>
      requireSecrets(contextIn(cwd, { roles: "web", hosts: "10.0.0.1" }).ctx, { registry: true }),
    ).not.toThrow();
    expect(() => requireSecrets(contextIn(cwd).ctx, { registry: true, builder: false })).not.toThrow();
  });

  it("says when there is no secrets file at all", async () => {
    const cwd = project([], { secretsFile: false });
    const { ctx, executor, local } = contextIn(cwd);
    const error = await failure(deploy(ctx, { facts: BUILD_FACTS, skipPush: true }));
    expect(error.message).toMatch(
      /^7 secrets not found, no secret files \(\.kamal\/secrets-common, \.kamal\/secrets\) provided:\n {2}KAMAL_REGISTRY_PASSWORD: /,
    );
    expect(error.message).not.toMatch(/GITHUB_TOKEN|POSTGRES_PASSWORD/); // no build, no accessory
    expectUntouched(cwd, executor, local);
  });
});

describe("secretReferences", () => {
  const raw = {
    service: "app",
    image: "me/app",
    registry: { username: "u", password: "not a secret" },
    builder: { arch: "amd64" },
    servers: {
      web: {
        hosts: ["10.0.0.1"],
        proxy: { host: "a.example.com", ssl: { certificate_pem: "C", private_key_pem: "K" } },
      },
    },
    env: { secret: ["PLAIN", "ALIAS:TARGET"] },
    accessories: {
      cache: {
        image: "redis",
        host: "10.0.0.1",
        registry: { server: "r.example.com", username: "u", password: ["CACHE_REGISTRY"] },
      },
    },
  };

  it("looks up aliased names, a role's own certificate, and an accessory's own registry", () => {
    const ctx = testContext({ raw });
    const references = secretReferences(ctx.config, {
      roles: [{ role: ctx.config.roles[0]!, hosts: ["10.0.0.1"] }],
      accessories: [...ctx.config.accessories],
    });
    expect(references).toEqual([
      { secret: "PLAIN", keyPath: "env/secret", usedBy: "role web" },
      { secret: "TARGET", keyPath: "env/secret", usedBy: "role web" },
      { secret: "C", keyPath: "servers/web/proxy/ssl/certificate_pem", usedBy: "role web" },
      { secret: "K", keyPath: "servers/web/proxy/ssl/private_key_pem", usedBy: "role web" },
      { secret: "CACHE_REGISTRY", keyPath: "accessories/cache/registry/password", usedBy: "registry login" },
    ]);
  });

  it("has no registry secrets for a local registry", () => {
    const ctx = testContext({
      raw: { ...raw, registry: { server: "localhost:5000", username: "u", password: ["PW"] } },
    });
    expect(secretReferences(ctx.config, { registry: true })).toEqual([]);
  });
});
