#!/usr/bin/env node
/**
 * `npm run sandbox -- up [--hosts N] [--delay MS] | down [--purge] | env | status | delay MS`
 *
 *   up       start N servers (default 2), the registry and the builder engine; prints the env
 *   down     stop and remove everything (idempotent, also after a crash); --purge also drops the cache
 *   env      print the variables, ready for `eval "$(npm run -s sandbox -- env)"`
 *   status   what runs: nodes, daemons, memory, containers, registry, delay
 *   delay MS change the added round-trip latency of a running sandbox (0 removes it)
 *
 * Logs go to stderr; only `env` (and `up`, at the end) print to stdout.
 */
import { rmSync } from "node:fs";
import { setDelay } from "./delay.js";
import { layoutFromEnv } from "./layout.js";
import { down, formatEnv, readEnv, status, up } from "./sandbox.js";

const USAGE = `usage: npm run sandbox -- up [--hosts N] [--delay MS] | down [--purge] | env | status | delay MS`;

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  const layout = layoutFromEnv();
  const log = (line: string) => process.stderr.write(`[sandbox] ${line}\n`);
  switch (command) {
    case "up": {
      const options = parseFlags(rest, { "--hosts": 2, "--delay": 0 });
      const env = await up(layout, { hosts: options["--hosts"]!, delayMs: options["--delay"]!, log });
      process.stdout.write(formatEnv(env));
      return 0;
    }
    case "down": {
      const purge = rest.includes("--purge");
      const unknown = rest.filter((arg) => arg !== "--purge");
      if (unknown.length > 0) throw new UsageError(`unknown argument ${unknown[0]}`);
      await down(layout, { log });
      if (purge) rmSync(layout.cacheDir, { recursive: true, force: true });
      return 0;
    }
    case "env": {
      const env = readEnv(layout);
      if (!env) {
        log("the sandbox is down: run `npm run sandbox -- up` first");
        return 1;
      }
      process.stdout.write(formatEnv(env));
      return 0;
    }
    case "status":
      process.stdout.write(await status(layout));
      return 0;
    case "delay": {
      const ms = Number(rest[0]);
      if (rest.length !== 1 || !Number.isInteger(ms) || ms < 0) throw new UsageError("delay takes one integer MS ≥ 0");
      const env = readEnv(layout);
      if (!env) throw new Error("the sandbox is down");
      const mode = await setDelay(
        layout,
        env.hosts.map((_, i) => `s${i + 1}`),
        ms,
      );
      log(ms === 0 ? "delay removed" : `+${ms} ms round trip on every server link (${mode})`);
      return 0;
    }
    default:
      throw new UsageError(command === undefined ? "missing command" : `unknown command ${command}`);
  }
}

class UsageError extends Error {}

/** `--name N` / `--name=N` integer flags with defaults; anything else is a usage error. */
function parseFlags(args: readonly string[], defaults: Record<string, number>): Record<string, number> {
  const values = { ...defaults };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [name, inline] = arg.includes("=") ? arg.split("=", 2) : [arg, undefined];
    if (name === undefined || !(name in defaults)) throw new UsageError(`unknown option ${arg}`);
    const raw = inline ?? args[++i];
    const value = Number(raw);
    if (raw === undefined || !Number.isInteger(value) || value < 0) {
      throw new UsageError(`${name} needs a whole number, got ${raw ?? "nothing"}`);
    }
    values[name] = value;
  }
  return values;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`[sandbox] error: ${message}\n`);
    if (error instanceof UsageError) process.stderr.write(`${USAGE}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
