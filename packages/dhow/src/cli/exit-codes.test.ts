/**
 * Every error class exits with its code from the one table (errors.ts EXIT_CODES, docs/compatibility.md):
 * 64 for usage errors, 78 for config and secrets errors, 130 for Ctrl-C, the ssh status for an interactive
 * session, 1 for everything else. Real failures go through the CLI entry (`main`, and the built bin once).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as errors from "../errors.js";
import {
  DependencyFailedError,
  DependencyStoppedError,
  DependencyTimeoutError,
} from "../flows/accessory/wait-for-dependency.js";
import { BarrierClosedError } from "../flows/app/barrier.js";
import { MissingSecretsError } from "../flows/runtime/require-secrets.js";
import { CommandFailedError, RemoteError } from "../remote/executor.js";
import { MultiHostError } from "../remote/on-hosts.js";
import { InteractiveExitError } from "./interactive-exit-error.js";
import type { CliIo } from "./io.js";
import { main } from "./main.js";

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = resolve(SRC, "../dist/bin/dhow.js");

/** The code each error class exits with, by class name. */
const EXPECTED: Record<string, number> = {
  DhowError: 1,
  ConfigError: 78,
  SecretsError: 78,
  MissingSecretsError: 78,
  UsageError: 64,
  BuilderError: 1,
  LockError: 1,
  HookError: 1,
  BootError: 1,
  MissingToolError: 1,
  CrossHostError: 1,
  InterruptedError: 130,
  BarrierClosedError: 1,
  CommandFailedError: 1,
  RemoteError: 1,
  MultiHostError: 1,
  InteractiveExitError: 3, // the ssh status it was built with
  DependencyTimeoutError: 1,
  DependencyStoppedError: 1,
  DependencyFailedError: 1,
};

/** One instance of every error class, by class name. */
function instances(): Record<string, Error> {
  const result = {
    host: "10.0.0.1",
    command: "docker ps",
    redacted: "docker ps",
    exitCode: 1,
    stdout: "",
    stderr: "",
    durationMs: 1,
  };
  const found: Record<string, Error> = {
    BarrierClosedError: new BarrierClosedError(),
    CommandFailedError: new CommandFailedError(result),
    RemoteError: new RemoteError("10.0.0.1", "unreachable"),
    MultiHostError: new MultiHostError([
      { host: "a", error: new Error("x") },
      { host: "b", error: new Error("y") },
    ]),
    InteractiveExitError: new InteractiveExitError(3),
    DependencyTimeoutError: new DependencyTimeoutError("redis", "10.0.0.1", 300, "healthy", "starting"),
    DependencyStoppedError: new DependencyStoppedError("redis", "10.0.0.1", "exited", ""),
    DependencyFailedError: new DependencyFailedError("schema", "10.0.0.1", 1, "failed"),
    MissingSecretsError: new MissingSecretsError("Secret 'X' not found in .kamal/secrets: env/secret (role web)", []),
  };
  for (const [name, value] of Object.entries(errors)) {
    if (typeof value === "function" && value.prototype instanceof Error) {
      found[name] = new (value as new (message: string) => Error)("failed");
    }
  }
  found["DhowError"] = new errors.DhowError("failed");
  return found;
}

/** The names of every class under src/ that extends DhowError, directly or through another such class. */
function dhowErrorClasses(): string[] {
  const extendsOf = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) {
        for (const match of readFileSync(path, "utf8").matchAll(/\bclass (\w+) extends (\w+)/g)) {
          extendsOf.set(match[1]!, match[2]!);
        }
      }
    }
  };
  walk(SRC);
  const isDhowError = (name: string, depth = 0): boolean =>
    name === "DhowError" || (depth < 10 && extendsOf.has(name) && isDhowError(extendsOf.get(name)!, depth + 1));
  return ["DhowError", ...[...extendsOf.keys()].filter((name) => name !== "DhowError" && isDhowError(name))];
}

async function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = { PATH: process.env["PATH"] }) {
  let stderr = "";
  const io: CliIo = {
    stdout: () => {},
    stderr: (text) => {
      stderr += text;
    },
    cwd,
    env,
    isTTY: false,
  };
  return { code: await main(["node", "dhow", ...args], io), stderr };
}

/** A project as `dhow init` leaves it, with every secret the config names. */
function project(): string {
  const dir = mkdtempSync(join(tmpdir(), "dhow-exit-"));
  mkdirSync(join(dir, "config"));
  mkdirSync(join(dir, ".kamal", "hooks"), { recursive: true });
  writeFileSync(
    join(dir, "config", "deploy.yml"),
    "service: app\nimage: me/app\nservers:\n  - 192.0.2.1\nbuilder:\n  arch: amd64\nregistry:\n  username: me\n  password:\n    - PW\n",
  );
  writeFileSync(join(dir, ".kamal", "secrets"), "PW=secret\n");
  return dir;
}

describe("exit codes", () => {
  it("gives every error class under src/ its code from the one table", () => {
    const classes = dhowErrorClasses();
    expect(classes.filter((name) => !(name in EXPECTED))).toEqual([]);
    const all = instances();
    for (const name of classes) {
      expect(all[name], `an instance of ${name}`).toBeDefined();
      expect(`${name} → ${errors.exitCodeOf(all[name])}`).toBe(`${name} → ${EXPECTED[name]}`);
    }
    expect(errors.exitCodeOf(new Error("plain"))).toBe(1);
    expect(errors.exitCodeOf("a string")).toBe(1);
  });

  it("has docs/compatibility.md state every code of the table", () => {
    const docs = readFileSync(resolve(SRC, "../../../docs/compatibility.md"), "utf8");
    const line = /Exit codes[\s\S]*?status\./.exec(docs)?.[0].replace(/\s+/g, " ") ?? "";
    expect(line).toContain("1, except usage errors (64), config and secrets errors (78");
    expect(line).toContain("Ctrl-C (130)");
    expect(line).toContain("stdout's reader gone outside the deploy lock (141)");
    expect(Object.values(errors.EXIT_CODES).sort((a, b) => a - b)).toEqual([1, 64, 78, 130, 141]);
  });

  it("exits 78 for a config error: missing file, invalid YAML, failed validation", async () => {
    const dir = project();
    const missing = await run(["config", "-c", "config/nope.yml"], dir);
    expect(missing.stderr).toContain("ERROR (ConfigError): Configuration file not found in config/nope.yml");
    expect(missing.code).toBe(78);
    writeFileSync(join(dir, "config", "bad.yml"), "service: [app\n");
    const yaml = await run(["config", "-c", "config/bad.yml"], dir);
    expect(yaml.stderr).toContain("ERROR (ConfigError): Invalid YAML");
    expect(yaml.code).toBe(78);
    writeFileSync(join(dir, "config", "invalid.yml"), "service: app\nimage: me/app\n");
    const invalid = await run(["config", "-c", "config/invalid.yml"], dir);
    expect(invalid.stderr).toContain("ERROR (ConfigError)");
    expect(invalid.code).toBe(78);
  });

  it("exits 78 for a secrets error", async () => {
    const dir = project();
    writeFileSync(join(dir, ".kamal", "secrets"), "PW=$(exit 3)\n");
    const failed = await run(["secrets", "print"], dir);
    expect(failed.stderr).toContain("ERROR (SecretsError): Command $(exit 3) for PW failed with exit code 3");
    expect(failed.code).toBe(78);
  });

  it("exits 64 for usage errors, from the parser and from a flow", async () => {
    const dir = project();
    const option = await run(["deploy", "--no-such-option"], dir);
    expect(option.code).toBe(64);
    const flow = await run(["app", "exec", "--detach", "--interactive", "ls"], dir);
    expect(flow.stderr).toContain("ERROR (UsageError): Detach is not compatible with interactive");
    expect(flow.code).toBe(64);
  });

  it("exits 1 for a failed hook and for a missing tool", async () => {
    const dir = project();
    writeFileSync(join(dir, ".kamal", "hooks", "pre-connect"), "#!/bin/sh\nexit 1\n");
    chmodSync(join(dir, ".kamal", "hooks", "pre-connect"), 0o755);
    const hook = await run(["lock", "status", "--version", "v1"], dir);
    expect(hook.stderr).toContain("ERROR (HookError): Hook `pre-connect` failed");
    expect(hook.code).toBe(1);
    const tool = await run(["secrets", "fetch", "-a", "1password", "--account", "a", "--from", "V/I", "K"], dir, {
      PATH: join(dir, "empty-path"),
    });
    expect(tool.stderr).toContain("ERROR (MissingToolError)");
    expect(tool.code).toBe(1);
  });

  it.skipIf(!existsSync(BIN))("the built dhow process exits 78 for a config error and 64 for a usage error", () => {
    const dir = project();
    const config = spawnSync(process.execPath, [BIN, "config", "-c", "config/nope.yml"], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(config.stderr).toContain("ERROR (ConfigError)");
    expect(config.status).toBe(78);
    const usage = spawnSync(process.execPath, [BIN, "deplyo"], { cwd: dir, encoding: "utf8" });
    expect(usage.status).toBe(64);
  });
});
