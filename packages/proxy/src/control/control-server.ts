// The control server: accepts JSON requests on the unix socket and runs them against the router. Each connection
// is handled on its own, so a long deploy does not block `list` or another service's deploy.
import { chmodSync, rmSync } from "node:fs";
import net from "node:net";
import type { Logger } from "../log/logger.js";
import type { Router } from "../server/router.js";
import { CONTROL_METHODS, type ControlRequest, type ControlResponse } from "./protocol.js";

/** A listening control socket. */
export interface ControlServer {
  readonly path: string;
  close(): Promise<void>;
}

const MAX_REQUEST_BYTES = 1024 * 1024;

/** Listen on `path` (removing a stale socket first, as kamal-proxy does) with owner-only permissions. */
export async function startControlServer(path: string, router: Router, logger: Logger): Promise<ControlServer> {
  rmSync(path, { force: true });
  const connections = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections.add(socket);
    socket.once("close", () => connections.delete(socket));
    socket.on("error", () => socket.destroy());
    let data = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      data += chunk;
      if (data.length > MAX_REQUEST_BYTES) {
        socket.end(`${JSON.stringify({ ok: false, error: "request too large" })}\n`);
        return;
      }
      const newline = data.indexOf("\n");
      if (newline === -1) return;
      socket.removeAllListeners("data");
      const line = data.slice(0, newline);
      handleLine(line, router).then(
        (response) => {
          if (!socket.destroyed) socket.end(`${JSON.stringify(response)}\n`);
        },
        (error: Error) => logger.error("Control request failed", { error }),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, () => {
      server.removeListener("error", reject);
      resolve();
    });
  });
  chmodSync(path, 0o600);
  return {
    path,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of connections) socket.destroy();
        server.close(() => resolve());
        rmSync(path, { force: true });
      }),
  };
}

/** Decode and run one request line; every failure becomes `{ ok: false, error }`. */
export async function handleLine(line: string, router: Router): Promise<ControlResponse> {
  let request: ControlRequest;
  try {
    request = JSON.parse(line) as ControlRequest;
  } catch {
    return { ok: false, error: "malformed control request" };
  }
  if (typeof request !== "object" || request === null || !CONTROL_METHODS.includes(request.method)) {
    return { ok: false, error: `unknown control method ${JSON.stringify((request as { method?: unknown })?.method)}` };
  }
  if (typeof request.params !== "object" || request.params === null) {
    return { ok: false, error: "missing params" };
  }
  try {
    return { ok: true, result: (await dispatch(request, router)) ?? null };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

async function dispatch(request: ControlRequest, router: Router) {
  switch (request.method) {
    case "deploy":
      return router.deploy(request.params);
    case "remove":
      return router.remove(request.params.service);
    case "pause":
      return router.pause(request.params.service, request.params.drainTimeoutMs, request.params.pauseTimeoutMs);
    case "stop":
      return router.stop(request.params.service, request.params.drainTimeoutMs, request.params.message);
    case "resume":
      return router.resume(request.params.service);
    case "list":
      return router.list();
    case "rolloutDeploy":
      return router.rolloutDeploy(request.params);
    case "rolloutSet":
      return router.rolloutSet(request.params.service, request.params.percentage, request.params.allowlist);
    case "rolloutStop":
      return router.rolloutStop(request.params.service);
  }
}
