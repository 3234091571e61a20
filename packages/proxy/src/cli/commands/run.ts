// `run`: start the proxy and serve until SIGTERM/SIGINT. Flags fall back to KAMAL_PROXY_<NAME> or <NAME> env vars.
import { availableParallelism } from "node:os";
import type { Command } from "commander";
import { startClusterProxy } from "../../cluster/cluster-proxy.js";
import {
  DEFAULT_HEADER_READ_TIMEOUT_MS,
  DEFAULT_HTTP_PORT,
  DEFAULT_HTTPS_PORT,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_METRICS_PORT,
  DEFAULT_WORKERS,
} from "../../defaults.js";
import { type ControlServer, startControlServer } from "../../control/control-server.js";
import { socketPath } from "../../control/socket-path.js";
import { createLogger } from "../../log/logger.js";
import { Server } from "../../server/server.js";
import type { CliContext } from "../context.js";
import { formatDuration } from "../../duration.js";
import { certificatePath, dataDir } from "../paths.js";
import { durationFlag, intFlag } from "../pflag.js";
import { addBoolean, changed } from "./options.js";

/** The resolved settings of `run`. */
export interface RunOptions {
  debug: boolean;
  httpPort: number;
  httpsPort: number;
  metricsPort: number;
  http3: boolean;
  headerReadTimeoutMs: number;
  idleTimeoutMs: number;
  /** Worker processes; 0 means one per core. */
  workers: number;
}

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
      const options = resolveRunOptions(command, ctx.io.env);
      const env = ctx.io.env;
      const logger = createLogger({ debug: options.debug, ...(ctx.io.logSink ? { sink: ctx.io.logSink } : {}) });
      if (options.http3) logger.warn("HTTP/3 is not supported by dhow-proxy; serving HTTP/1.1 and HTTP/2 only");
      // What the listeners are, whether one process or a primary with workers serves them.
      const serverOptions = {
        logger,
        httpPort: options.httpPort,
        httpsPort: options.httpsPort,
        metricsPort: options.metricsPort > 0 ? options.metricsPort : undefined,
        stateDir: dataDir(env),
        headerReadTimeoutMs: options.headerReadTimeoutMs,
        idleTimeoutMs: options.idleTimeoutMs,
        tls: { defaultCachePath: certificatePath(env) },
      };
      const workers = options.workers > 0 ? options.workers : availableParallelism();
      if (workers > 1) {
        let control: ControlServer | undefined;
        const proxy = await startClusterProxy({ ...serverOptions, workers, debug: options.debug }, async (router) => {
          control = await startControlServer(socketPath(env), router, logger);
        }).catch(async (error: unknown) => {
          await control?.close();
          throw error;
        });
        await (ctx.io.waitForShutdown ?? waitForSignal)();
        await control?.close();
        await proxy.stop();
        return;
      }
      const server = new Server(serverOptions);
      await server.start();
      const control = await startControlServer(socketPath(env), server.router, logger);
      await (ctx.io.waitForShutdown ?? waitForSignal)();
      await control.close();
      await server.stop();
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

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off("SIGTERM", done);
      process.off("SIGINT", done);
      resolve();
    };
    process.on("SIGTERM", done);
    process.on("SIGINT", done);
  });
}
