// `run`'s work: start the proxy (one process, or a primary with workers) and its control socket, and serve until
// SIGTERM/SIGINT. Loaded by `run` only (run.ts), so the client commands start without the server's modules.
import { availableParallelism } from "node:os";
import { startClusterProxy } from "../../cluster/cluster-proxy.js";
import { type ControlServer, startControlServer } from "../../control/control-server.js";
import { socketPath } from "../../control/socket-path.js";
import { createLogger } from "../../log/logger.js";
import { Server } from "../../server/server.js";
import type { CliContext } from "../context.js";
import { certificatePath, dataDir } from "../paths.js";

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

/** Serves until a shutdown signal (or `ctx.io.waitForShutdown`), then stops. */
export async function runProxy(options: RunOptions, ctx: CliContext): Promise<void> {
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
