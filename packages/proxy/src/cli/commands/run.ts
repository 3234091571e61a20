// `run`: start the proxy and serve until SIGTERM/SIGINT. Flags fall back to KAMAL_PROXY_<NAME> or <NAME> env vars.
import type { Command } from "commander";
import {
  DEFAULT_HEADER_READ_TIMEOUT_MS,
  DEFAULT_HTTP_PORT,
  DEFAULT_HTTPS_PORT,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_METRICS_PORT,
  DEFAULT_WORKERS,
} from "../../defaults.js";
import type { CliContext } from "../context.js";
import type { RunOptions } from "./run-proxy.js";
import { formatDuration } from "../../duration.js";
import { durationFlag, intFlag } from "../pflag.js";
import { addBoolean, changed } from "./options.js";

export type { RunOptions } from "./run-proxy.js";

/** Register `run`. */
export function registerRun(program: Command, ctx: CliContext): void {
  const cmd = program.command("run").description("Run the server");
  addBoolean(cmd, "debug", "Include debugging logs", false);
  cmd
    .option("--http-port <port>", "Port to serve HTTP traffic on", String(DEFAULT_HTTP_PORT))
    .option("--https-port <port>", "Port to serve HTTPS traffic on", String(DEFAULT_HTTPS_PORT))
    .option(
      "--metrics-port <port>",
      "Publish metrics on the specified port (default zero to disable)",
      String(DEFAULT_METRICS_PORT),
    );
  addBoolean(cmd, "http3", "Also serve HTTP/3 (not supported by dhow-proxy; accepted and ignored)", false);
  cmd
    .option(
      "--read-header-timeout <duration>",
      "Time a client has to send request headers (dhow-proxy extension)",
      formatDuration(DEFAULT_HEADER_READ_TIMEOUT_MS),
    )
    .option(
      "--idle-timeout <duration>",
      "Time an idle keep-alive connection is kept open (dhow-proxy extension)",
      formatDuration(DEFAULT_IDLE_TIMEOUT_MS),
    )
    .option(
      "--workers <n>",
      "Worker processes serving traffic: 0 for one per core, 1 for a single process (dhow-proxy extension)",
      String(DEFAULT_WORKERS),
    )
    .action(async (_opts: unknown, command: Command) => {
      // The server's modules (undici, the TLS and ACME stack, the cluster) load only here: the client commands
      // Kamal runs through `docker exec` on every deploy (`deploy`, `list`, …) start without them (0.5 s less
      // per call on a slow machine).
      const { runProxy } = await import("./run-proxy.js");
      await runProxy(resolveRunOptions(command, ctx.io.env), ctx);
    });
}

/** Flag value, else KAMAL_PROXY_<NAME>, else <NAME>, else the default; unparsable env values fall back silently. */
export function resolveRunOptions(cmd: Command, env: NodeJS.ProcessEnv): RunOptions {
  const opts = cmd.opts<Record<string, string | boolean>>();
  const fromEnv = (name: string): string | undefined => env[`KAMAL_PROXY_${name}`] ?? env[name];
  const integer = (key: string, flag: string, name: string, fallback: number): number => {
    if (changed(cmd, key)) return intFlag(flag, opts[key] as string);
    const value = fromEnv(name);
    if (value === undefined || !/^\d+$/.test(value.trim())) return fallback;
    return Number(value.trim());
  };
  let debug = opts.debug as boolean;
  if (!changed(cmd, "debug")) {
    const value = fromEnv("DEBUG");
    debug = value !== undefined && ["1", "t", "T", "TRUE", "true", "True"].includes(value);
  }
  return {
    debug,
    httpPort: integer("httpPort", "http-port", "HTTP_PORT", DEFAULT_HTTP_PORT),
    httpsPort: integer("httpsPort", "https-port", "HTTPS_PORT", DEFAULT_HTTPS_PORT),
    metricsPort: integer("metricsPort", "metrics-port", "METRICS_PORT", DEFAULT_METRICS_PORT),
    http3: opts.http3 as boolean,
    headerReadTimeoutMs: durationFlag("read-header-timeout", opts.readHeaderTimeout as string),
    idleTimeoutMs: durationFlag("idle-timeout", opts.idleTimeout as string),
    workers: integer("workers", "workers", "WORKERS", DEFAULT_WORKERS),
  };
}
